package io.mqttbridge.tests.kafka;

import io.mqttbridge.local.EmbeddedHiveMq;
import io.mqttbridge.local.MosquittoBroker;

import java.io.IOException;
import java.nio.file.Path;

/** The MQTT brokers the route is tested on, each started on a free loopback port. */
enum TestBroker {
    HIVEMQ_CE {
        @Override
        Running start(Path folder) throws IOException {
            EmbeddedHiveMq broker = EmbeddedHiveMq.start(MosquittoBroker.freePort(), folder);
            return new Running(broker.serverUri(), broker);
        }
    },
    MOSQUITTO {
        @Override
        Running start(Path folder) throws IOException {
            MosquittoBroker broker = MosquittoBroker.start(folder);
            return new Running(broker.serverUri(), broker);
        }
    };

    abstract Running start(Path folder) throws IOException;

    /** A started broker: its address, and close() to stop it. */
    static final class Running implements AutoCloseable {
        final String serverUri;
        private final AutoCloseable broker;

        Running(String serverUri, AutoCloseable broker) {
            this.serverUri = serverUri;
            this.broker = broker;
        }

        @Override
        public void close() throws Exception {
            broker.close();
        }
    }
}
