package io.warren.server.cluster;

import static io.warren.server.cluster.ClusterPresenceTest.AUTH;
import static io.warren.server.cluster.ClusterPresenceTest.KEY;
import static io.warren.server.cluster.ClusterPresenceTest.clients;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.PresenceOptions;
import io.warren.redis.RedisProcess;
import io.warren.redis.TcpProxy;
import io.warren.server.config.ClusterOptions;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import io.warren.server.support.WsClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Presence announcements lost to a node while its Redis connections were down: node B talks to the real
 * redis-server through a loopback TCP proxy ({@link TcpProxy}), node A directly. The proxy stops forwarding
 * B's connections, clients join on A (their announcements are published while B cannot hear them, and
 * Pub/Sub keeps nothing), then the proxy drops B's connections: B reconnects, subscribes again and sends
 * its watcher the members afresh; the next change after that is an ordinary join again.
 */
class ClusterPresenceGapTest {
    private RedisProcess redis;
    private TcpProxy proxy;
    private TestServer a;
    private TestServer b;

    static TestServer node(String redisUri) {
        return TestServer.start(o -> o.withCluster(ClusterOptions.redis(redisUri))
                .withPublishKey(KEY)
                .withNode(o.node().withPresence(PresenceOptions.of(List.of("/chat/*"))))
                .withSecurity(o.security().withAnonymous(List.of("/chat/*"), List.of())));
    }

    @BeforeEach
    void start() {
        redis = RedisProcess.start();
        proxy = TcpProxy.to(redis.port());
        a = node(redis.uri());
        b = node("redis://127.0.0.1:" + proxy.port());
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {a, b, proxy, redis}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private int count(String path) {
        return a.get("/api/presence?path=" + path, "Authorization", AUTH)
                .json()
                .get("count")
                .asInt();
    }

    @Test
    void aWatcherThatMissedJoinsWhileItsNodeWasCutOffGetsTheMembersAgain() {
        try (WsClient w = WsClient.connect(b, "new=1")) {
            String me = w.next("/meta/open").get("data").get("client").asText();
            w.send("{\"path\":\"/meta/subscribe\",\"data\":{\"path\":\"/chat/gap\",\"presence\":true},\"id\":\"s\"}");
            assertThat(clients(w.next("/meta/presence").get("data").get("members")))
                    .containsExactly(me);
            assertThat(w.next("/meta/ack").get("data").get("ok").asBoolean()).isTrue();

            proxy.freezeExisting(); // B hears nothing from Redis from now on, and nothing is closed yet
            TunnelClient x = a.open("sse", "subscribe=/chat/gap");
            TunnelClient y = a.open("sse", "subscribe=/chat/gap");
            x.awaitOpen();
            y.awaitOpen();
            await().atMost(Duration.ofSeconds(10)).until(() -> count("/chat/gap") == 3);
            proxy.drop(); // B's connections end; it reconnects (to fresh, forwarded connections)

            // B's broker also tells the tunnel of its gap (a /meta/open with "gap":true) first.
            JsonNode m = w.next();
            while (!m.path("path").asText().equals("/meta/presence")) {
                assertThat(m.path("path").asText()).as("%s", m).isIn("/meta/open", "/meta/keepalive");
                m = w.next();
            }
            JsonNode again = m.get("data");
            assertThat(again.has("joined"))
                    .as("the joins were lost to B: %s", again)
                    .isFalse();
            assertThat(again.get("count").asInt()).isEqualTo(3);
            assertThat(clients(again.get("members"))).containsExactlyInAnyOrder(me, x.client(), y.client());

            // In sync again: the next change reaches the watcher as a join, not as another snapshot.
            TunnelClient z = a.open("sse", "subscribe=/chat/gap");
            z.awaitOpen();
            JsonNode next = w.next("/meta/presence").get("data");
            assertThat(next.toString())
                    .isEqualTo("{\"path\":\"/chat/gap\",\"joined\":[{\"client\":\"" + z.client()
                            + "\",\"user\":null,\"info\":null}],\"left\":[]}");
            x.close();
            y.close();
            z.close();
        }
    }
}
