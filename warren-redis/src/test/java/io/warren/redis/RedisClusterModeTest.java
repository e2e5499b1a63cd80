package io.warren.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.broker.BrokerContract;
import io.warren.datagram.Datagram;
import io.warren.datagram.DatagramIds;
import io.warren.path.Path;
import io.warren.path.PathPattern;
import io.warren.spi.HistoryRule;
import io.warren.spi.Identity;
import io.warren.spi.TunnelRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Members on a Redis Cluster ({@code redis-cluster://} URIs): keys share one hash tag so the scripts
 * run, Pub/Sub reaches every member, the registry works. A one-node cluster holds all slots here.
 */
class RedisClusterModeTest {

    private static <T> T join(CompletionStage<T> s) throws Exception {
        return s.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void membersOnARedisClusterShareDatagramsHistoryAndTunnels() throws Exception {
        try (RedisProcess node = RedisProcess.cluster()) {
            RedisCluster.Options options = RedisCluster.Options.defaults()
                    .withHistory(List.of(new HistoryRule(PathPattern.parse("/c/**"), 5, Duration.ofHours(1))));
            RedisCluster a = RedisCluster.connect(RedisCluster.CLUSTER_SCHEME + "127.0.0.1:" + node.port(), options);
            RedisCluster b = RedisCluster.connect(RedisCluster.CLUSTER_SCHEME + "127.0.0.1:" + node.port(), options);
            try {
                BrokerContract.Recorder ra = new BrokerContract.Recorder();
                BlockingQueue<String> evictedOnA = new LinkedBlockingQueue<>();
                join(a.registry().start(evictedOnA::add));
                join(a.broker().start(ra));
                join(b.registry().start(id -> {}));
                join(b.broker().start(new BrokerContract.Recorder()));
                join(a.broker().subscribe(PathPattern.parse("/c/*")));

                Datagram d = new Datagram(new DatagramIds().next(), Path.of("/c/x"), "{\"k\":1}", "someone");
                join(b.broker().publish(d));
                assertThat(ra.take().id()).isEqualTo(d.id());
                assertThat(join(a.broker().history(Path.of("/c/x"), null, 5)).datagrams())
                        .extracting(Datagram::id)
                        .containsExactly(d.id());
                assertThat(node.command("XLEN", "{warren}:log")).isEqualTo(":1");

                TunnelRecord r = new TunnelRecord(
                        "T", "C", new Identity("s", Map.of()), List.of(PathPattern.parse("/c/*")), "0-0");
                assertThat(join(a.registry().put(List.of(r), Duration.ofSeconds(30), true)))
                        .isEmpty();
                assertThat(join(b.registry().claim("T", Duration.ofSeconds(30))))
                        .isEqualTo(r);
                assertThat(evictedOnA.poll(10, TimeUnit.SECONDS)).isEqualTo("T");
            } finally {
                for (RedisCluster c : new RedisCluster[] {a, b}) {
                    c.broker().close();
                    c.registry().close();
                }
            }
        }
    }
}
