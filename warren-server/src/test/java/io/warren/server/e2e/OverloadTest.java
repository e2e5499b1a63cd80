package io.warren.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * No silent loss, over real HTTP: one event loop and a one-datagram shard inbox, so a batch published in
 * one request fills the inbox before the loop can drain it (the publishing request runs on that very
 * loop). The refused datagrams are answered {@code overloaded}; the subscriber gets what was queued and
 * then {@code /meta/open} with {@code gap:true}.
 */
class OverloadTest {

    private static TestServer tinyInbox() {
        return TestServer.start(o -> o.withThreads(1).withNode(o.node().withShardInboxLimit(1)));
    }

    private static JsonNode awaitGap(TunnelClient c) {
        JsonNode open = c.awaitControl("/meta/open", Duration.ofSeconds(10)).get("data");
        assertThat(open.get("resumed").asBoolean()).isTrue();
        assertThat(open.get("gap").asBoolean()).isTrue();
        return open;
    }

    @Test
    void noSilentLoss_backendPublishAnsweredOverloadedAndSubscriberToldOfTheGap() {
        try (TestServer server = tinyInbox();
                TunnelClient sub = server.open("stream", "subscribe=/feed")) {
            sub.awaitOpen();
            JsonNode acks = server.publish(
                    "[{\"path\":\"/feed\",\"data\":1},{\"path\":\"/feed\",\"data\":2},{\"path\":\"/feed\",\"data\":3}]");
            assertThat(acks.get(0).get("ok").asBoolean()).isTrue();
            for (int i = 1; i < 3; i++) {
                assertThat(acks.get(i).get("ok").asBoolean()).isFalse();
                assertThat(acks.get(i).get("error").asText()).isEqualTo("overloaded");
            }
            JsonNode first = sub.next();
            assertThat(first.get("id").asText()).isEqualTo(acks.get(0).get("id").asText());
            awaitGap(sub);

            // Once drained, publishing is ok again and nothing else is reported lost.
            assertThat(server.publish("{\"path\":\"/feed\",\"data\":4}")
                            .get(0)
                            .get("ok")
                            .asBoolean())
                    .isTrue();
            assertThat(sub.next().get("data").asInt()).isEqualTo(4);
            assertThat(sub.received())
                    .filteredOn(d -> d.path("data").path("gap").asBoolean())
                    .hasSize(1);
        }
    }

    @Test
    void noSilentLoss_clientEventsAnsweredOverloadedAndPollingSubscriberToldOfTheGap() {
        try (TestServer server = tinyInbox();
                TunnelClient sub = server.open("longpoll", "subscribe=/room");
                TunnelClient pub = server.open("stream")) {
            sub.awaitOpen();
            pub.awaitOpen();
            JsonNode acks = server.events("[{\"tunnel\":\"" + pub.tunnel() + "\",\"path\":\"/room\",\"data\":1},"
                    + "{\"tunnel\":\"" + pub.tunnel() + "\",\"path\":\"/room\",\"data\":2}]");
            assertThat(acks.get(0).get("ok").asBoolean()).isTrue();
            assertThat(acks.get(1).get("error").asText()).isEqualTo("overloaded");
            assertThat(sub.next().get("data").asInt()).isEqualTo(1);
            awaitGap(sub);
        }
    }
}
