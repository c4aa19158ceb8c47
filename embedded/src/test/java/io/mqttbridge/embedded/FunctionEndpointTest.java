package io.mqttbridge.embedded;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The function endpoint counts envelopes, injects failures (run-local), answers as a test scripts
 * it and tracks requests in flight (the sink tests).
 */
class FunctionEndpointTest {

    private static final String ENVELOPE =
            "{\"function\":\"fn\",\"encoding\":\"json\",\"count\":2,\"records\":["
                    + "{\"key\":\"v-1\",\"payload\":{\"soc\":3.5}},{\"key\":\"v-2\",\"payload\":{\"soc\":4.5}}]}";

    private static int post(String url, String body) throws Exception {
        return send(url, body, 1).statusCode();
    }

    private static HttpResponse<Void> send(String url, String body, int attempt) throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url))
                                .header(FunctionEndpoint.ATTEMPT_HEADER, Integer.toString(attempt))
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.discarding());
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

    @Test
    void aFailShareAnswersExactlyThatShareStartingWithTheFirstRequest() throws Exception {
        try (FunctionEndpoint endpoint = FunctionEndpoint.start(0, 0.25, Duration.ZERO)) {
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                statuses.add(post(endpoint.url() + "/fn", ENVELOPE));
            }
            assertThat(statuses).containsExactly(503, 200, 200, 200, 503, 200, 200, 200);
            assertThat(endpoint.failed()).isEqualTo(2);
        }
    }

    @Test
    void scriptedAnswersCarryRetryAfterAndEveryRequestIsKeptWithItsStatus() throws Exception {
        try (FunctionEndpoint endpoint = FunctionEndpoint.start()) {
            endpoint.behave(r -> r.attempt() == 1 ? FunctionEndpoint.Answer.retryAfter(503, Duration.ofSeconds(2))
                    : FunctionEndpoint.Answer.ok());
            HttpResponse<Void> first = send(endpoint.url("/fn"), ENVELOPE, 1);
            assertThat(first.statusCode()).isEqualTo(503);
            assertThat(first.headers().firstValue("Retry-After")).contains("2");
            assertThat(send(endpoint.url("/fn"), ENVELOPE, 2).statusCode()).isEqualTo(200);

            assertThat(endpoint.requests()).extracting(FunctionEndpoint.Request::attempt, FunctionEndpoint.Request::status)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(1, 503), org.assertj.core.groups.Tuple.tuple(2, 200));
            assertThat(endpoint.requests().get(0).key()).isEqualTo("v-1");
            assertThat(endpoint.requests().get(0).method()).isEqualTo("POST");
            assertThat(endpoint.delivered()).hasSize(1);
            assertThat(endpoint.deliveredRecords()).extracting(r -> r.path("key").asText()).containsExactly("v-1", "v-2");
            assertThat(endpoint.failed()).isEqualTo(1);
            assertThat(endpoint.invocations()).isEqualTo(1);
        }
    }

    @Test
    void aBehaviourThatThrowsIsAnswered500() throws Exception {
        try (FunctionEndpoint endpoint = FunctionEndpoint.start()) {
            endpoint.behave(r -> {
                throw new IllegalStateException("scripted");
            });
            assertThat(post(endpoint.url("/fn"), ENVELOPE)).isEqualTo(500);
            assertThat(endpoint.delivered()).isEmpty();
        }
    }

    @Test
    void tracksRequestsInFlightOverallAndPerKey() throws Exception {
        CountDownLatch bothArrived = new CountDownLatch(2);
        try (FunctionEndpoint endpoint = FunctionEndpoint.start()) {
            // Each request waits until the other has arrived: two are in flight at once, for the same key.
            endpoint.behave(r -> {
                bothArrived.countDown();
                bothArrived.await(30, TimeUnit.SECONDS);
                return FunctionEndpoint.Answer.ok();
            });
            ExecutorService clients = Executors.newFixedThreadPool(2);
            try {
                Future<Integer> a = clients.submit(() -> post(endpoint.url("/fn"), ENVELOPE));
                Future<Integer> b = clients.submit(() -> post(endpoint.url("/fn"), ENVELOPE));
                assertThat(a.get(60, TimeUnit.SECONDS)).isEqualTo(200);
                assertThat(b.get(60, TimeUnit.SECONDS)).isEqualTo(200);
            } finally {
                clients.shutdownNow();
            }
            assertThat(endpoint.maxInFlight()).isEqualTo(2);
            assertThat(endpoint.maxInFlightPerKey()).isEqualTo(2);
            assertThat(post(endpoint.url("/fn"), ENVELOPE)).isEqualTo(200);
            assertThat(endpoint.maxInFlight()).isEqualTo(2);
        }
    }
}
