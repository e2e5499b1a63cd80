package io.warren.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import org.junit.jupiter.api.Test;

/** {@code POST /publish} entries with the backend's own {@code id}: a retry is acked alike, not delivered twice. */
class PublishIdTest {

    @Test
    void aRetryWithTheSameIdIsAcknowledgedWithTheSameDatagramIdAndDeliveredOnce() {
        try (TestServer server = TestServer.start();
                TunnelClient c = server.open("stream", "subscribe=/orders")) {
            c.awaitOpen();
            JsonNode first = server.publish("{\"path\":\"/orders\",\"data\":1,\"id\":\"order-1\"}")
                    .get(0);
            assertThat(first.get("ok").asBoolean()).isTrue();
            assertThat(first.get("ref").asText()).isEqualTo("order-1");
            JsonNode retry = server.publish("{\"path\":\"/orders\",\"data\":1,\"id\":\"order-1\"}")
                    .get(0);
            assertThat(retry.toString()).isEqualTo(first.toString());

            // In one request too, and a different id is another datagram.
            JsonNode acks = server.publish("[{\"path\":\"/orders\",\"data\":2,\"id\":\"order-2\"},"
                    + "{\"path\":\"/orders\",\"data\":2,\"id\":\"order-2\"},"
                    + "{\"path\":\"/orders\",\"data\":3}]");
            assertThat(acks.get(1).get("id").asText())
                    .isEqualTo(acks.get(0).get("id").asText());
            assertThat(acks.get(2).get("id").asText())
                    .isNotEqualTo(acks.get(0).get("id").asText());

            // A refused entry claims nothing: the same id then publishes.
            JsonNode refused = server.publish("{\"path\":\"/meta/x\",\"data\":4,\"id\":\"order-4\"}")
                    .get(0);
            assertThat(refused.get("error").asText()).isEqualTo("forbidden");
            assertThat(server.publish("{\"path\":\"/orders\",\"data\":4,\"id\":\"order-4\"}")
                            .get(0)
                            .get("ok")
                            .asBoolean())
                    .isTrue();

            server.publish("{\"path\":\"/client/" + c.client() + "\",\"data\":\"end\"}");
            assertThat(c.await(5, java.time.Duration.ofSeconds(10)))
                    .extracting(d -> d.get("data").asText())
                    .containsExactly("1", "2", "3", "4", "end");
            assertThat(c.pending()).isEmpty();
        }
    }
}
