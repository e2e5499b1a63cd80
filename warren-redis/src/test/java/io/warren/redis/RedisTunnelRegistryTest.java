package io.warren.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.warren.broker.TunnelRegistryContract;
import io.warren.spi.Identity;
import io.warren.spi.Permissions;
import io.warren.spi.TunnelRecord;
import io.warren.spi.TunnelRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The cluster-wide tunnel register on a real Redis, against the shared contract (ownership, eviction, expiry). */
class RedisTunnelRegistryTest extends TunnelRegistryContract {
    @RegisterExtension
    static final RedisPerClass redis = new RedisPerClass();

    private final RedisTestNodes nodes = new RedisTestNodes("reg");

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
    void finding4_aClaimKeepsTheExpiryAndThePermissionsAsData() {
        Member a = member();
        Member b = member();
        Permissions perms = Permissions.parse(List.of("/news/*", "/team/**"), List.of("/team/a/**", "/client/*"));
        Instant exp = Instant.ofEpochMilli(1_900_000_000_123L);
        TunnelRecord r = new TunnelRecord(
                "t-perm",
                "c-perm",
                new Identity("alice", Map.of(Permissions.ATTRIBUTE, perms, "role", "admin"), exp),
                List.of(),
                null);
        assertThat(join(a.registry().put(List.of(r), TTL, true))).isEmpty();
        Identity got = join(b.registry().claim("t-perm", TTL)).identity();
        assertThat(got.expiresAt()).isEqualTo(exp);
        assertThat(got.attributes().get(Permissions.ATTRIBUTE)).isEqualTo(perms);
        assertThat(got.attributes()).containsEntry("role", "admin");
        // Without expiry or permissions nothing is invented.
        TunnelRecord plain = new TunnelRecord("t-plain", "c-plain", new Identity("bob", Map.of()), List.of(), null);
        join(a.registry().put(List.of(plain), TTL, true));
        Identity bob = join(b.registry().claim("t-plain", TTL)).identity();
        assertThat(bob.expiresAt()).isNull();
        assertThat(bob.attributes()).doesNotContainKey(Permissions.ATTRIBUTE);
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
    void aForwardToANodeThatIsGoneFailsAtOnceNotAfterTheTimeout() {
        RedisCluster gone = RedisCluster.connect(
                redis.uri(), RedisCluster.Options.defaults().withPrefix(nodes.prefix()));
        join(gone.registry().start(id -> {}));
        join(gone.broker().start(d -> {}));
        join(gone.registry().put(List.of(record("G1")), TTL, true));
        gone.registry().close();
        gone.broker().close(); // both parts closed: the connections close, as when the process dies
        Member b = member();
        long start = System.nanoTime();
        CompletableFuture<String> f = b.registry().forward(id("G1"), "x").toCompletableFuture();
        assertThatThrownBy(() -> f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isInstanceOf(ExecutionException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(RedisForwarding.TIMEOUT);
    }

    @Test
    void forwardsWaitingForAnAnswerAreCappedAndTheOneTooManyFailsAtOnce() {
        Member silent = member((tunnel, request) -> new CompletableFuture<>());
        Member b = member();
        join(silent.registry().put(List.of(record("C1")), TTL, true));
        List<CompletableFuture<String>> waiting = new ArrayList<>();
        for (int i = 0; i < RedisForwarding.MAX_IN_FLIGHT; i++) {
            waiting.add(b.registry().forward(id("C1"), "x").toCompletableFuture());
        }
        CompletableFuture<String> tooMany = b.registry().forward(id("C1"), "x").toCompletableFuture();
        assertThat(tooMany).isCompletedExceptionally();
        assertThat(waiting).noneMatch(CompletableFuture::isDone);
        // Each waits at most the timeout; then the next request is accepted again.
        await().atMost(WAIT).until(() -> waiting.stream().allMatch(CompletableFuture::isDone));
        assertThat(waiting).allMatch(CompletableFuture::isCompletedExceptionally);
        CompletableFuture<String> again = b.registry().forward(id("C1"), "x").toCompletableFuture();
        assertThat(again.isDone()).isFalse();
    }
}
