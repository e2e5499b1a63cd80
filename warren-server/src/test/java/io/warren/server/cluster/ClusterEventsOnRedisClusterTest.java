package io.warren.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.redis.RedisClusterNodes;
import io.warren.redis.RedisProcess;
import io.warren.redis.RedisUnderTest;
import io.warren.server.config.ClusterOptions;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Every scenario of {@link ClusterEventsTest} ({@code /events} on any node: the owner's acks, subscribe
 * through B active before the ack, one idempotency window and one rate limit across nodes, 404 for a
 * forged id, owner frozen or killed) with both nodes on a real 3-master Redis Cluster, where the
 * forwarding script runs at the master of the tunnel's record and reaches the owner over the cluster bus.
 */
class ClusterEventsOnRedisClusterTest extends ClusterEventsTest {
    @Override
    RedisUnderTest startRedis() {
        return RedisClusterNodes.start(3);
    }

    /**
     * On a Redis Cluster a {@code PUBLISH} counts only the subscribers of the master that ran it, so a gone
     * owner is found by the 2 s forwarding timeout, not at once (docs/cluster.md).
     */
    @Override
    Duration killedOwnerAnsweredWithin() {
        return Duration.ofSeconds(5);
    }

    /**
     * The log's master (where every node subscribes) killed: nothing reaches the owner, so {@code /events}
     * through B is {@code 503 overloaded} after the forwarding timeout, never {@code ok}; once that master
     * is back (empty, same slots) the nodes subscribe again and forwarding works.
     */
    @Override
    @Test
    void redisUnreachableIsOverloadedAtOnceAndForwardingResumesWhenItIsBack() {
        try (RedisClusterNodes own = RedisClusterNodes.start(3);
                TestServer a2 = TestServer.start(o -> o.withCluster(ClusterOptions.redis(own.uri())));
                TestServer b2 = TestServer.start(o -> o.withCluster(ClusterOptions.redis(own.uri())));
                TunnelClient onA = a2.open("sse", "subscribe=/down/*")) {
            onA.awaitOpen();
            String t = onA.tunnel();
            RedisProcess logMaster = own.owner("{warren}:log");
            logMaster.stop();
            long start = System.nanoTime();
            TestServer.Response r = b2.post("/events", event(t, "/down/x", "1", null));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(r.status()).as(r.body()).isEqualTo(503);
            assertThat(r.json().get("error").asText()).isEqualTo("overloaded");
            assertThat(took).isLessThan(Duration.ofSeconds(7));
            logMaster.restart(); // empty, but its cluster config file keeps its slots
            long restarted = System.nanoTime();
            assertThat(onA.awaitControl("/meta/open", Duration.ofSeconds(30))
                            .get("data")
                            .get("gap")
                            .asBoolean())
                    .as("the subscriptions were on that master: a gap is told")
                    .isTrue();
            Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                TestServer.Response back = b2.post("/events", event(t, "/down/x", "2", "back"));
                assertThat(back.status()).as(back.body()).isEqualTo(200);
                assertThat(back.json().get(0).get("ok").asBoolean())
                        .as(back.body())
                        .isTrue();
            });
            System.out.println("MEASURED Redis Cluster log master killed: /events through B answered " + r.status()
                    + " after " + took.toMillis() + " ms; forwarding back "
                    + (System.nanoTime() - restarted) / 1_000_000 + " ms after the restart");
            assertThat(onA.await(1, Duration.ofSeconds(10)).get(0).get("data").asInt())
                    .isEqualTo(2);
        }
    }
}
