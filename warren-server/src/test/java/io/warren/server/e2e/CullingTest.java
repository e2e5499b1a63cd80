package io.warren.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Point 10: tunnels detached for tunnel-timeout are culled with their interests, and come back replaced. */
class CullingTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(o ->
                o.withNode(o.node().withTunnelTimeout(Duration.ofMillis(600)).withPollTimeout(Duration.ofMillis(200))));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sse", "stream", "iframe", "longpoll", "jsonp"})
    void culledTunnelsComeBackReplacedWithoutTheirInterests(String format) {
        String path = "/cull/" + format;
        TunnelClient first = server.open(format, "subscribe=" + path);
        String oldTunnel = first.awaitOpen().get("tunnel").asText();
        if (TunnelClient.isPoll(format)) {
            // Polling keeps the tunnel alive although it is detached between polls.
            await().pollDelay(Duration.ofMillis(1200))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> server.server().node().tunnel(oldTunnel) != null);
        }
        first.drop();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> server.server().node().tunnel(oldTunnel) == null);

        // Its events endpoint answers unknown-tunnel; publishing to its path reaches nobody and is fine.
        TestServer.Response r = server.post("/events", "{\"tunnel\":\"" + oldTunnel + "\",\"path\":\"/x\"}");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("error").asText()).isEqualTo("unknown-tunnel");

        try (TunnelClient again = TunnelClient.attach(server.port(), format, oldTunnel, first.lastId())) {
            JsonNode open = again.awaitOpen();
            assertThat(open.get("resumed").asBoolean()).isFalse();
            assertThat(open.get("replaced").asText()).isEqualTo(oldTunnel);
            assertThat(open.get("tunnel").asText()).isNotEqualTo(oldTunnel);
            assertThat(open.get("client").asText()).isNotEqualTo(first.client());
            server.publish("[{\"path\":\"" + path + "\",\"data\":\"gone\"},{\"path\":\"/client/"
                    + open.get("client").asText() + "\",\"data\":\"direct\"}]");
            assertThat(again.next().get("data").asText())
                    .as("the old interest was culled")
                    .isEqualTo("direct");
        }
    }
}
