package io.warren.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.warren.broker.TunnelRegistryContract;
import io.warren.spi.Identity;
import io.warren.spi.TunnelRecord;
import io.warren.spi.TunnelRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The tunnel-registry contract on a real 3-master Redis Cluster: each record in its own slot. Plus what
 * only a Redis Cluster has: forwarding to owners whose records sit on each master (the script runs there,
 * the owner listens at the log's master), and a gone owner found by the timeout.
 */
@RedisPerClass.OnRedisCluster(masters = 3)
class RedisClusterRegistryTest extends TunnelRegistryContract {
    @RegisterExtension
    static final RedisPerClass redis = new RedisPerClass();

    private final RedisTestNodes nodes = new RedisTestNodes("rc");

    /** The contract closes the registries; the connections close with the brokers. */
    @AfterEach
    void closeBrokers() {
        nodes.closeBrokers();
    }

    @Override
    protected TunnelRegistry startMember(TunnelRegistry.Listener listener) {
        return nodes.startRegistry(redis.uri(), listener);
    }

    @Test
    void aForwardReachesTheOwnerWhicheverMasterHoldsTheRecord() {
        Member owner = member((tunnel, request) -> CompletableFuture.completedFuture(tunnel + " <- " + request));
        Member other = member();
        Set<Integer> masters = new HashSet<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; masters.size() < 3 || ids.size() < 6; i++) {
            assertThat(i).as("records on all 3 masters").isLessThan(200);
            String t = id("M" + i);
            ids.add(t);
            masters.add(redis.cluster().owner(nodes.prefix() + "t:{" + t + "}").port());
        }
        List<TunnelRecord> records = ids.stream()
                .map(t -> new TunnelRecord(t, "c", Identity.ANONYMOUS, List.of(), null))
                .toList();
        assertThat(join(owner.registry().put(records, TTL, true))).isEmpty();
        for (String t : ids) {
            assertThat(join(other.registry().forward(t, "hi"))).isEqualTo(t + " <- hi");
        }
    }

    @Test
    void aForwardToAnOwnerThatIsGoneFailsByTheTimeout() {
        Member owner = member((tunnel, request) -> CompletableFuture.completedFuture("served"));
        Member other = member();
        join(owner.registry().put(List.of(record("G1")), TTL, true));
        assertThat(join(other.registry().forward(id("G1"), "x"))).isEqualTo("served");
        // Gone without removing its record (as a killed node): its Pub/Sub connection closes.
        owner.registry().close();
        nodes.get(0).broker().close();
        long start = System.nanoTime();
        CompletableFuture<String> f = other.registry().forward(id("G1"), "x").toCompletableFuture();
        assertThatThrownBy(() -> f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isInstanceOf(ExecutionException.class);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        System.out.println(
                "MEASURED forward to a gone owner on a Redis Cluster failed after " + took.toMillis() + " ms");
        assertThat(took).isLessThan(RedisForwarding.TIMEOUT.plusSeconds(3));
    }

    @Test
    void aRecordLostByARestartedMasterIsWrittenAgainByItsOwnersRefreshNotCulled() {
        Member owner = member();
        Member other = member();
        TunnelRecord r = record("L1");
        assertThat(join(owner.registry().put(List.of(r), TTL, true))).isEmpty();
        RedisProcess master = redis.cluster().owner(nodes.prefix() + "t:{" + r.tunnelId() + "}");
        master.restart(); // empty, its slots kept (cluster config file): the record is gone before its expiry
        // Once the restarted master serves its slots again (CLUSTERDOWN until then): the record is gone.
        await().atMost(WAIT)
                .until(() -> master.command("EXISTS", nodes.prefix() + "t:{" + r.tunnelId() + "}")
                        .equals(":0"));
        await().atMost(WAIT.multipliedBy(2))
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(join(owner.registry().put(List.of(r), TTL, false)))
                        .as("a refresh of a record lost before its expiry writes it again")
                        .isEmpty());
        assertThat(join(other.registry().claim(r.tunnelId(), TTL))).isEqualTo(r);
        // The negative: a record of the owner's that expired stays missing (the contract's expiry test),
        // and so does one the owner never wrote.
        assertThat(join(other.registry().put(List.of(record("L2")), TTL, false)))
                .containsEntry(id("L2"), TunnelRegistry.PutResult.MISSING);
    }
}
