package io.mqttbridge.connector.testing;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.connector.testframe.external.ExternalContext;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** What the String source and sink contexts share: the type, the jar paths and how test data is made. */
abstract class StringContext implements ExternalContext, ResultTypeQueryable<String> {

    /** {@code min} to {@code min + spread - 1} distinct records, a different set per seed, each starting with {@code prefix}. */
    static List<String> records(String prefix, int min, int spread, long seed) {
        Random random = new Random(seed);
        int n = min + random.nextInt(spread);
        List<String> data = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            data.add(prefix + i + "-" + Long.toHexString(random.nextLong()));
        }
        return data;
    }

    @Override
    public TypeInformation<String> getProducedType() {
        return Types.STRING;
    }

    /** The connector is on the test classpath already. */
    @Override
    public List<URL> getConnectorJarPaths() {
        return List.of();
    }
}
