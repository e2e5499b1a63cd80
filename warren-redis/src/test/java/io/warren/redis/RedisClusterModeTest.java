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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Members on a real 3-master Redis Cluster ({@code redis-cluster://} URIs): Pub/Sub reaches every member,
 * history and registry work, tunnel records spread over slots and masters while the keys one script
 * writes together (the log and a path's history) share one slot.
 */
class RedisClusterModeTest {

    private static <T> T join(CompletionStage<T> s) throws Exception {
        return s.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void membersOnARedisClusterShareDatagramsHistoryAndTunnels() throws Exception {
        try (RedisClusterNodes redis = RedisClusterNodes.start(3)) {
            RedisCluster.Options options = RedisCluster.Options.defaults()
                    .withHistory(List.of(new HistoryRule(PathPattern.parse("/c/**"), 5, Duration.ofHours(1))));
            RedisCluster a = RedisCluster.connect(redis.uri(), options);
            RedisCluster b = RedisCluster.connect(redis.uri(), options);
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
                assertThat(redis.owner("{warren}:log").command("XLEN", "{warren}:log"))
                        .isEqualTo(":1");
                assertThat(redis.slot("{warren}:h:/c/x"))
                        .as("the publish script writes the log and the history: one slot")
                        .isEqualTo(redis.slot("{warren}:log"));

                TunnelRecord r = new TunnelRecord(
                        "T", "C", new Identity("s", Map.of()), List.of(PathPattern.parse("/c/*")), "0-0");
                assertThat(join(a.registry().put(List.of(r), Duration.ofSeconds(30), true)))
                        .isEmpty();
                assertThat(join(b.registry().claim("T", Duration.ofSeconds(30))))
                        .isEqualTo(r);
                assertThat(evictedOnA.poll(10, TimeUnit.SECONDS)).isEqualTo("T");

                // Records spread: each tunnel's key is its own hash tag, so they land on every master.
                List<TunnelRecord> many = IntStream.range(0, 30)
                        .mapToObj(i -> new TunnelRecord("T" + i, "C" + i, Identity.ANONYMOUS, List.of(), null))
                        .toList();
                assertThat(join(a.registry().put(many, Duration.ofSeconds(30), true)))
                        .isEmpty();
                Set<Integer> slots = new HashSet<>();
                Set<Integer> masters = new HashSet<>();
                for (TunnelRecord t : many) {
                    String key = "warren:t:{" + t.tunnelId() + "}";
                    RedisProcess owner = redis.owner(key);
                    assertThat(owner.command("EXISTS", key)).as(key).isEqualTo(":1");
                    slots.add(redis.slot(key));
                    masters.add(owner.port());
                }
                assertThat(slots).hasSize(30);
                assertThat(masters).as("records on every master").hasSize(3);
                assertThat(redis.slot("warren:t:{T1}")).isNotEqualTo(redis.slot("{warren}:log"));
            } finally {
                for (RedisCluster c : new RedisCluster[] {a, b}) {
                    c.broker().close();
                    c.registry().close();
                }
            }
        }
    }
}
