package io.mqttbridge.embedded;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The local function endpoint counts envelopes, injects failures, and its options are checked. */
class FunctionEndpointTest {

    private static final String ENVELOPE =
            "{\"function\":\"fn\",\"encoding\":\"json\",\"count\":2,\"records\":["
                    + "{\"key\":\"v-1\",\"payload\":{\"soc\":3.5}},{\"key\":\"v-2\",\"payload\":{\"soc\":4.5}}]}";

    private static int post(String url, String body) throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Test
    void countsInvocationsAndRecordsPerPath() throws Exception {
        try (FunctionEndpoint endpoint = FunctionEndpoint.start(0, 0.0, Duration.ZERO)) {
            assertThat(post(endpoint.url() + "/low-battery", ENVELOPE)).isEqualTo(200);
            assertThat(post(endpoint.url() + "/other", ENVELOPE)).isEqualTo(200);
            assertThat(post(endpoint.url() + "/low-battery", "not json")).isEqualTo(400);
            assertThat(endpoint.invocations()).isEqualTo(2);
            assertThat(endpoint.recordCount()).isEqualTo(4);
            assertThat(endpoint.failed()).isEqualTo(1);
            assertThat(endpoint.received("/low-battery")).extracting(r -> r.record().path("key").asText())
                    .containsExactly("v-1", "v-2");
        }
    }

    @Test
    void failShareOneAnswersEveryRequestWith503() throws Exception {
        try (FunctionEndpoint endpoint = FunctionEndpoint.start(0, 1.0, Duration.ZERO)) {
            assertThat(post(endpoint.url() + "/fn", ENVELOPE)).isEqualTo(503);
            assertThat(endpoint.failed()).isEqualTo(1);
            assertThat(endpoint.recordCount()).isZero();
        }
    }
}
