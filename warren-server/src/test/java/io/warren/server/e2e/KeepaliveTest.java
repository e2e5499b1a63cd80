package io.warren.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Point 7: idle stream tunnels get the format's keepalive at the configured interval; poll formats are
 * answered with an empty batch at the poll timeout instead.
 */
class KeepaliveTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(o ->
                o.withNode(o.node().withKeepalive(Duration.ofMillis(300)).withPollTimeout(Duration.ofMillis(300))));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sse", "stream", "iframe"})
    void idleStreamsGetKeepalives(String format) {
        try (TunnelClient c = server.open(format)) {
            assertThat(c.awaitOpen().get("keepalive").asLong()).isEqualTo(300);
            long start = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                JsonNode k = c.awaitControl("/meta/keepalive", Duration.ofSeconds(5));
                assertThat(k.has("id")).isFalse();
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(600));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"longpoll", "jsonp"})
    void idlePollsAreAnsweredEmptyAtThePollTimeout(String format) {
        try (TunnelClient c = server.open(format)) {
            c.awaitOpen();
            String path = "/client/" + c.client();
            // Several polls come back empty, then a datagram still arrives promptly.
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> c.rawText().split(format.equals("jsonp") ? "cb\\(\\[\\]\\);" : "\\[\\]", -1).length - 1
                            >= 3);
            server.publish("{\"path\":\"" + path + "\",\"data\":\"late\"}");
            assertThat(c.next().get("data").asText()).isEqualTo("late");
        }
    }

    @Test
    void keepaliveIsTheFormatsTemplate() {
        try (TunnelClient c = server.open("sse")) {
            c.awaitOpen();
            c.awaitControl("/meta/keepalive", Duration.ofSeconds(5));
            assertThat(c.rawText()).contains("data: {\"path\":\"/meta/keepalive\",\"data\":null}\n\n");
        }
    }
}
