package io.warren.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.redis.RedisProcess;
import io.warren.redis.RedisUnderTest;
import io.warren.server.config.ClusterOptions;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import io.warren.server.support.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 14, WebSocket across nodes: a tunnel opened on node A (over SSE, or over a WebSocket) resumes on
 * node B over a WebSocket with {@code last}, losing nothing and repeating nothing, then lives on B
 * (datagrams published on either node, client datagrams over the socket). Two real nodes, real Redis;
 * {@link ClusterWebSocketOnRedisClusterTest} runs the same on a Redis Cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterWebSocketTest {
    RedisUnderTest redis;
    TestServer a;
    TestServer b;

    /** The Redis both nodes share: one redis-server here; subclasses start a Redis Cluster. */
    RedisUnderTest startRedis() {
        return RedisProcess.start();
    }

    @BeforeAll
    void start() {
        redis = startRedis();
        String uri = redis.uri();
        a = TestServer.start(o -> o.withCluster(ClusterOptions.redis(uri)));
        b = TestServer.start(o -> o.withCluster(ClusterOptions.redis(uri)));
    }

    @AfterAll
    void stop() {
        for (TestServer s : new TestServer[] {a, b}) {
            if (s != null) {
                s.close();
            }
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** The next {@code n} ordinary datagrams on {@code ws}, skipping keepalives; anything else fails. */
    static List<String> wsIds(WsClient ws, int n) {
        List<String> ids = new ArrayList<>();
        while (ids.size() < n) {
            JsonNode m = ws.next();
            String path = m.path("path").asText();
            if (path.equals("/meta/keepalive")) {
                continue;
            }
            assertThat(path).as("an ordinary datagram: %s", m).doesNotStartWith("/meta/");
            ids.add(m.get("id").asText());
        }
        return ids;
    }

    @Test
    void anSseTunnelOnAResumesOnBOverAWebSocketFromItsLastId() {
        TunnelClient sse = a.open("sse", "subscribe=/mix/*");
        sse.awaitOpen();
        String t = sse.tunnel();
        List<String> first = ClusterTest.publish(a, "/mix/x", 0, 3);
        assertThat(ClusterTest.ids(sse.await(3, Duration.ofSeconds(10)))).containsExactlyElementsOf(first);
        // The client saw the first two (as its EventSource's Last-Event-ID would say), then moved to B;
        // meanwhile more was published, on both nodes.
        List<String> missed = new ArrayList<>(first.subList(2, 3));
        missed.addAll(ClusterTest.publish(b, "/mix/x", 3, 5));
        missed.addAll(ClusterTest.publish(a, "/mix/x", 5, 6));
        try (WsClient ws = WsClient.connect(b, "tunnel=" + t + "&last=" + first.get(1))) {
            JsonNode open = ws.next("/meta/open").get("data");
            assertThat(open.get("tunnel").asText()).isEqualTo(t);
            assertThat(open.get("client").asText()).isEqualTo(sse.client());
            assertThat(open.get("resumed").asBoolean()).isTrue();
            assertThat(open.has("gap")).as("nothing was lost").isFalse();
            assertThat(wsIds(ws, missed.size())).containsExactlyElementsOf(missed);
            // The SSE connection on A is ended: the tunnel lives on B now.
            assertThat(sse.awaitControl("/meta/close", Duration.ofSeconds(10))
                            .get("data")
                            .get("reason")
                            .asText())
                    .isEqualTo("superseded");
            // Live on B, whichever node publishes; the interest came along.
            List<String> live = ClusterTest.publish(a, "/mix/y", 6, 7);
            live.addAll(ClusterTest.publish(b, "/mix/y", 7, 8));
            assertThat(wsIds(ws, 2)).containsExactlyElementsOf(live);
            // The socket sends through its tunnel on B.
            // The socket sends through its tunnel on B: the ack and the delivery, in either order.
            ws.send("{\"path\":\"/mix/z\",\"data\":1,\"id\":\"w1\"}");
            JsonNode ack = null;
            JsonNode delivered = null;
            while (ack == null || delivered == null) {
                JsonNode m = ws.next();
                switch (m.path("path").asText()) {
                    case "/meta/ack" -> ack = m.get("data");
                    case "/mix/z" -> delivered = m;
                    default -> assertThat(m.path("path").asText()).isEqualTo("/meta/keepalive");
                }
            }
            assertThat(ack.get("ok").asBoolean()).as("%s", ack).isTrue();
            assertThat(delivered.get("id").asText()).isEqualTo(ack.get("id").asText());
        } finally {
            sse.close();
        }
    }

    @Test
    void aWebSocketTunnelOnAResumesOnBOverAWebSocket() {
        String t;
        String client;
        String seen;
        List<String> missed;
        try (WsClient onA = WsClient.connect(a, "new=1&subscribe=/wsws/**")) {
            JsonNode open = onA.next("/meta/open").get("data");
            t = open.get("tunnel").asText();
            client = open.get("client").asText();
            List<String> first = ClusterTest.publish(b, "/wsws/a", 0, 2);
            assertThat(wsIds(onA, 2)).containsExactlyElementsOf(first);
            seen = first.get(1);
            // The network drops (no close handshake); datagrams keep coming, to the tunnel's own path too.
            onA.abort();
            missed = new ArrayList<>(ClusterTest.publish(a, "/wsws/a/b", 2, 4));
            missed.addAll(ClusterTest.publish(b, "/client/" + client, 4, 5));
        }
        try (WsClient onB = WsClient.connect(b, "tunnel=" + t + "&last=" + seen)) {
            JsonNode open = onB.next("/meta/open").get("data");
            assertThat(open.get("tunnel").asText()).isEqualTo(t);
            assertThat(open.get("client").asText()).isEqualTo(client);
            assertThat(open.get("resumed").asBoolean()).isTrue();
            assertThat(open.has("gap")).isFalse();
            assertThat(wsIds(onB, missed.size())).containsExactlyElementsOf(missed);
            List<String> live = ClusterTest.publish(a, "/wsws/c", 5, 6);
            assertThat(wsIds(onB, 1)).containsExactlyElementsOf(live);
            // Resuming again from an id it already has repeats nothing: back to A, from the newest id.
            try (WsClient again = WsClient.connect(a, "tunnel=" + t + "&last=" + live.get(0))) {
                assertThat(again.next("/meta/open").get("data").has("gap")).isFalse();
                assertThat(onB.next("/meta/close").get("data").get("reason").asText())
                        .isEqualTo("superseded");
                String marker = ClusterTest.publish(b, "/wsws/d", 6, 7).get(0);
                assertThat(wsIds(again, 1)).as("nothing replayed twice").containsExactly(marker);
            }
        }
    }
}
