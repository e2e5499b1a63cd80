package io.warren.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.redis.RedisClusterNodes;
import io.warren.redis.RedisProcess;
import io.warren.server.config.ClusterOptions;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Redis Cluster master holding tunnel records (not the log's) restarted without persistence: the
 * records in its slots are gone before their expiry, and only the connections to that master notice (no
 * gap: the log and Pub/Sub live on another master). The tunnels whose records were there must not be
 * taken for culled: their owner writes the records again at its next refresh, they keep receiving, and
 * they still move to another node. Two real nodes on a real 3-master Redis Cluster.
 */
class ClusterMasterRestartTest {
    /**
     * Records refreshed every 10 s. A restarted master answers {@code CLUSTERDOWN} for its rejoin delay
     * (5 s with the default {@code cluster-node-timeout}), and a refresh failing meanwhile is retried a
     * third of the timeout later: the write before the restart must still be valid then, or the record is
     * rightly taken for expired.
     */
    static final Duration TUNNEL_TIMEOUT = Duration.ofSeconds(30);

    static TestServer node(String uri) {
        return TestServer.start(
                o -> o.withNode(o.node().withTunnelTimeout(TUNNEL_TIMEOUT)).withCluster(ClusterOptions.redis(uri)));
    }

    @Test
    void tunnelsWhoseRecordsARestartedMasterLostStayOpenAndStillMove() {
        try (RedisClusterNodes redis = RedisClusterNodes.start(3);
                TestServer a = node(redis.uri());
                TestServer b = node(redis.uri())) {
            int logMaster = redis.owner("{warren}:log").port();
            List<TunnelClient> others = new ArrayList<>();
            TunnelClient onA = null;
            try {
                while (onA == null) {
                    assertThat(others)
                            .as("a tunnel whose record is not on the log's master")
                            .hasSizeLessThan(30);
                    TunnelClient t = a.open("sse", "subscribe=/mr/*");
                    t.awaitOpen();
                    if (redis.owner(key(t.tunnel())).port() != logMaster) {
                        onA = t;
                    } else {
                        others.add(t);
                    }
                }
                String key = key(onA.tunnel());
                RedisProcess master = redis.owner(key);
                master.restart(); // no persistence: the record is gone (CLUSTERDOWN until the master is back)
                long restarted = System.nanoTime();
                await().atMost(TUNNEL_TIMEOUT)
                        .pollInterval(Duration.ofMillis(20))
                        .ignoreExceptions()
                        .until(() -> master.command("EXISTS", key).equals(":1"));
                System.out.println("MEASURED Redis Cluster master restart: the tunnel record it lost written again "
                        + (System.nanoTime() - restarted) / 1_000_000 + " ms after the restart (refresh every "
                        + TUNNEL_TIMEOUT.dividedBy(3).toMillis() + " ms)");
                // Still attached on A, never closed (culled), and receiving.
                TunnelClient attached = onA;
                await().during(Duration.ofSeconds(1))
                        .atMost(Duration.ofSeconds(5))
                        .until(() -> attached.received().stream()
                                .noneMatch(d -> d.path("path").asText().equals("/meta/close")));
                String id = ClusterTest.publish(b, "/mr/x", 0, 1).get(0);
                assertThat(onA.next().get("id").asText()).isEqualTo(id);
                assertThat(onA.received())
                        .as("no gap told: nothing of the log or the subscriptions was on that master")
                        .noneMatch(d -> d.path("data").path("gap").asBoolean());
                // It still moves: resumed on B, the same tunnel (no replacement), nothing missed.
                String id2 = ClusterTest.publish(a, "/mr/y", 1, 2).get(0);
                onA.drop();
                try (TunnelClient onB = TunnelClient.attach(b.port(), "sse", onA.tunnel(), id)) {
                    JsonNode open = onB.awaitOpen();
                    assertThat(open.path("replaced").isMissingNode())
                            .as("%s", open)
                            .isTrue();
                    assertThat(onB.next().get("id").asText()).isEqualTo(id2);
                }
            } finally {
                others.forEach(TunnelClient::close);
                if (onA != null) {
                    onA.close();
                }
            }
        }
    }

    private static String key(String tunnel) {
        return "warren:t:{" + tunnel + "}";
    }
}
