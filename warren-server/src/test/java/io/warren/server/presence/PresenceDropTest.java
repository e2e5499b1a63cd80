package io.warren.server.presence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.PresenceOptions;
import io.warren.engine.Shard;
import io.warren.server.support.TestServer;
import io.warren.server.support.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A watcher whose event loop stalls while more presence changes arrive than its presence queue holds
 * (4096), on one real node over WebSocket: the changes beyond it are dropped for that loop and counted in
 * {@code warren_presence_dropped_total}, and the watcher, once its loop runs again, gets the changes that
 * were queued and then the members afresh; the next change after that is an ordinary change again.
 */
class PresenceDropTest {
    static final int CHANGES = 4199; // 2,100 joins and 2,099 leaves of one client: 103 beyond the queue

    /** {@code warren_presence_dropped_total} as {@code GET /metrics} shows it. */
    static double dropped(TestServer server) {
        Matcher m = Pattern.compile("(?m)^warren_presence_dropped_total (\\S+)$")
                .matcher(server.get("/metrics").body());
        assertThat(m.find()).as("the series").isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void changesDroppedForAStalledLoopAreCountedAndTheWatcherGetsTheMembersAgain() throws Exception {
        try (TestServer server = TestServer.start(o -> o.withThreads(2)
                        .withNode(o.node()
                                .withPresence(PresenceOptions.of(List.of("/chat/*")))
                                // The 4,096 changes come in one burst: room to replay them all, so that a
                                // socket that is briefly unwritable is not a slow consumer here.
                                .withReplaySize(8192)
                                .withReplayBytes(8 << 20))
                        .withSecurity(o.security()
                                .withAnonymous(List.of("/chat/*"), List.of())
                                .withLimits(o.security().limits().withEventsPerSecond(0))));
                WsClient w = WsClient.connect(server, "new=1")) {
            JsonNode open = w.next("/meta/open").get("data");
            String me = open.get("client").asText();
            w.send("{\"path\":\"/meta/subscribe\",\"data\":{\"path\":\"/chat/storm\",\"presence\":true},\"id\":\"s\"}");
            assertThat(w.next("/meta/presence").get("data").get("count").asInt())
                    .isEqualTo(1);
            assertThat(w.next("/meta/ack").get("data").get("ok").asBoolean()).isTrue();
            Shard watcherLoop =
                    server.server().node().tunnel(open.get("tunnel").asText()).shard();

            List<WsClient> others = new ArrayList<>();
            WsClient y = null;
            String yClient = null;
            try {
                while (y == null) { // connections take the event loops in turn: the next one is on the other
                    WsClient c = WsClient.connect(server, "new=1");
                    others.add(c);
                    JsonNode o = c.next("/meta/open").get("data");
                    if (server.server().node().tunnel(o.get("tunnel").asText()).shard() != watcherLoop) {
                        y = c;
                        yClient = o.get("client").asText();
                    }
                }
                CountDownLatch stalled = new CountDownLatch(1);
                CountDownLatch release = new CountDownLatch(1);
                watcherLoop.executor().execute(() -> {
                    stalled.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                try {
                    assertThat(stalled.await(10, TimeUnit.SECONDS)).isTrue();
                    for (int i = 0; i < CHANGES; i++) {
                        String op = i % 2 == 0 ? "subscribe" : "unsubscribe";
                        y.send("{\"path\":\"/meta/" + op + "\",\"data\":{\"path\":\"/chat/storm\"},\"id\":\"" + i
                                + "\"}");
                    }
                    for (int i = 0; i < CHANGES; i++) {
                        JsonNode ack = y.next("/meta/ack");
                        assertThat(ack.get("data").get("ok").asBoolean())
                                .as("%s", ack)
                                .isTrue();
                    }
                } finally {
                    release.countDown();
                }
                // Counted as they were dropped (asked once the loop runs again: /metrics may be served by it).
                await().atMost(Duration.ofSeconds(10))
                        .untilAsserted(() -> assertThat(dropped(server)).isEqualTo(CHANGES - 4096));

                // The 4096 changes that fit, in order, then the members afresh.
                int changes = 0;
                JsonNode d = w.next("/meta/presence").get("data");
                while (d.has("joined")) {
                    changes++;
                    d = w.next("/meta/presence").get("data");
                }
                assertThat(changes).isEqualTo(4096);
                assertThat(d.get("count").asInt()).isEqualTo(2);
                List<String> members = new ArrayList<>();
                d.get("members").forEach(m -> members.add(m.get("client").asText()));
                assertThat(members).containsExactlyInAnyOrder(me, yClient);

                // In sync again: y's leave is a change, not another snapshot.
                y.send("{\"path\":\"/meta/unsubscribe\",\"data\":{\"path\":\"/chat/storm\"},\"id\":\"last\"}");
                JsonNode left = w.next("/meta/presence").get("data");
                assertThat(left.toString())
                        .isEqualTo("{\"path\":\"/chat/storm\",\"joined\":[],\"left\":[{\"client\":\"" + yClient
                                + "\",\"user\":null,\"info\":null}]}");
            } finally {
                others.forEach(WsClient::close);
            }
        }
    }
}
