package io.warren.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Open, subscribe at open, publish from the backend and from a client, receive: for every built-in format. */
class DeliveryTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sse", "stream", "iframe", "longpoll", "jsonp"})
    void opensSubscribesAndReceives(String format) {
        try (TunnelClient c = server.open(format, "subscribe=/news/*")) {
            JsonNode open = c.awaitOpen();
            assertThat(open.get("resumed").asBoolean()).isFalse();
            assertThat(open.get("tunnel").asText())
                    .hasSizeGreaterThanOrEqualTo(22)
                    .matches("[A-Za-z0-9_-]+");
            assertThat(open.get("path").asText())
                    .isEqualTo("/client/" + open.get("client").asText());
            // A stream announces its keepalive interval, a poll its poll timeout (2 s on the test server).
            assertThat(open.get("keepalive").asLong()).isEqualTo(TunnelClient.isPoll(format) ? 2_000 : 25_000);

            JsonNode acks = server.publish(
                    "[{\"path\":\"/news/today\",\"data\":{\"n\":1}},{\"path\":\"/news/today\",\"data\":\"two </script><!-- \u2028\"}]");
            assertThat(acks.get(0).get("ok").asBoolean()).isTrue();

            List<JsonNode> got = c.await(2, Duration.ofSeconds(10));
            assertThat(got.get(0).get("path").asText()).isEqualTo("/news/today");
            assertThat(got.get(0).get("data").get("n").asInt()).isEqualTo(1);
            assertThat(got.get(0).get("id").asText())
                    .isEqualTo(acks.get(0).get("id").asText());
            assertThat(got.get(1).get("data").asText()).isEqualTo("two </script><!-- \u2028");
            assertThat(got.get(0).has("from")).isFalse();

            JsonNode ack = server.events("{\"tunnel\":\"" + c.tunnel() + "\",\"path\":\"/news/mine\",\"data\":[1,2]}");
            JsonNode mine = c.next();
            assertThat(mine.get("from").asText()).isEqualTo(c.client());
            assertThat(mine.get("id").asText()).isEqualTo(ack.get(0).get("id").asText());
            assertThat(mine.has("tunnel")).isFalse();
        }
    }
}
