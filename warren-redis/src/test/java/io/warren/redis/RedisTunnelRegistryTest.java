package io.warren.redis;

import io.warren.auth.Identity;
import io.warren.broker.TunnelRecord;
import io.warren.broker.TunnelRegistry;
import io.warren.broker.TunnelRegistry.PutResult;
import io.warren.path.PathPattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The cluster-wide tunnel register on a real Redis: ownership, take-over with eviction notice, expiry. */
class RedisTunnelRegistryTest {
    private static final Duration TTL = Duration.ofSeconds(30);
    static RedisProcess redis;
    private final String prefix = "reg-" + UUID.randomUUID() + ":";
    private final List<RedisCluster> nodes = new ArrayList<>();

    @BeforeAll
    static void startRedis() {
        redis = RedisProcess.start();
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @AfterEach
    void close() {
        for (RedisCluster c : nodes) {
            c.registry().close();
            c.broker().close();
        }
    }

    /** A node: its registry, started with a listener recording evictions. */
    private record Member(TunnelRegistry registry, BlockingQueue<String> evicted) { }

    private Member member() {
        RedisCluster c = RedisCluster.connect(redis.uri(), RedisCluster.Options.defaults().withPrefix(prefix));
        nodes.add(c);
        BlockingQueue<String> evicted = new LinkedBlockingQueue<>();
        join(c.registry().start(evicted::add));
        join(c.broker().start(d -> { })); // subscribes the node channel that carries evictions
        return new Member(c.registry(), evicted);
    }

    private static <T> T join(CompletionStage<T> s) {
        try {
            return s.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static TunnelRecord record(String id) {
        return new TunnelRecord(id, "client-" + id, new Identity("alice", Map.of("role", "admin", "n", 3)),
                List.of(PathPattern.parse("/a/b"), PathPattern.parse("/a/*"), PathPattern.parse("/x/**"), PathPattern.parse("/t", true)),
                "1700000000000-3");
    }

    @Test
    void finding4_aClaimKeepsTheExpiryAndThePermissionsAsData() {
        Member a = member();
        Member b = member();
        io.warren.auth.Permissions perms = io.warren.auth.Permissions.parse(List.of("/news/*", "/team/**"), List.of("/team/a/**", "/client/*"));
        java.time.Instant exp = java.time.Instant.ofEpochMilli(1_900_000_000_123L);
        TunnelRecord r = new TunnelRecord("t-perm", "c-perm",
                new Identity("alice", Map.of(io.warren.auth.Permissions.ATTRIBUTE, perms, "role", "admin"), exp), List.of(), null);
        assertThat(join(a.registry().put(List.of(r), TTL, true))).isEmpty();
        Identity got = join(b.registry().claim("t-perm", TTL)).identity();
        assertThat(got.expiresAt()).isEqualTo(exp);
        assertThat(got.attributes().get(io.warren.auth.Permissions.ATTRIBUTE)).isEqualTo(perms);
        assertThat(got.attributes()).containsEntry("role", "admin");
        // Without expiry or permissions nothing is invented.
        TunnelRecord plain = new TunnelRecord("t-plain", "c-plain", new Identity("bob", Map.of()), List.of(), null);
        join(a.registry().put(List.of(plain), TTL, true));
        Identity bob = join(b.registry().claim("t-plain", TTL)).identity();
        assertThat(bob.expiresAt()).isNull();
        assertThat(bob.attributes()).doesNotContainKey(io.warren.auth.Permissions.ATTRIBUTE);
    }

    @Test
    void aClaimTakesTheTunnelWithItsIdentityAndInterestsAndEvictsTheOwner() throws InterruptedException {
        Member a = member();
        Member b = member();
        TunnelRecord r = record("T1");
        assertThat(join(a.registry().put(List.of(r), TTL, true))).isEmpty();

        TunnelRecord claimed = join(b.registry().claim("T1", TTL));
        assertThat(claimed).isEqualTo(r);
        assertThat(a.evicted().poll(10, TimeUnit.SECONDS)).isEqualTo("T1");

        // The old owner can no longer write it; the new one can.
        assertThat(join(a.registry().put(List.of(r), TTL, false))).containsEntry("T1", PutResult.OWNED_ELSEWHERE);
        assertThat(join(a.registry().put(List.of(r), TTL, true))).containsEntry("T1", PutResult.OWNED_ELSEWHERE);
        assertThat(join(b.registry().put(List.of(r), TTL, false))).isEmpty();
        // Claiming what one owns already notifies nobody.
        assertThat(join(b.registry().claim("T1", TTL))).isEqualTo(r);
        assertThat(b.evicted().poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void attributesJacksonCannotWriteAreKeptAsText() {
        Object opaque = new Object() {
            @Override
            public String toString() {
                return "opaque";
            }
        };
        String json = RedisTunnelRegistry.attributesJson(Map.of("n", 1, "o", opaque, "list", List.of("a")));
        assertThat(json).contains("\"n\":1").contains("\"o\":\"opaque\"").contains("\"list\":[\"a\"]");
    }

    @Test
    void unknownAndRemovedTunnelsCannotBeClaimedAndOnlyTheOwnerRemoves() {
        Member a = member();
        Member b = member();
        assertThat(join(b.registry().claim("nope", TTL))).isNull();
        assertThat(join(a.registry().put(List.of(record("T2")), TTL, false))).containsEntry("T2", PutResult.MISSING);
        assertThat(join(b.registry().claim("T2", TTL))).as("a refresh does not create").isNull();

        join(a.registry().put(List.of(record("T3")), TTL, true));
        join(b.registry().remove("T3"));
        assertThat(join(a.registry().put(List.of(record("T3")), TTL, false))).as("not removed by a non-owner").isEmpty();
        join(a.registry().remove("T3"));
        assertThat(join(b.registry().claim("T3", TTL))).isNull();
    }

    @Test
    void aRecordNotRefreshedExpiresAndIsCulledClusterWide() {
        Member a = member();
        Member b = member();
        join(a.registry().put(List.of(record("T4"), record("T5")), Duration.ofMillis(300), true));
        join(a.registry().put(List.of(record("T5")), TTL, false));
        RedisCluster direct = nodes.get(0);
        await().atMost(10, TimeUnit.SECONDS).until(() -> join(direct.async().exists(prefix + "t:T4")) == 0);
        assertThat(join(a.registry().put(List.of(record("T4")), TTL, false))).containsEntry("T4", PutResult.MISSING);
        assertThat(join(b.registry().claim("T4", TTL))).isNull();
        assertThat(join(b.registry().claim("T5", TTL))).isEqualTo(record("T5"));
    }
}
