package io.warren.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.warren.path.PathPattern;
import io.warren.spi.Identity;
import io.warren.spi.TunnelRecord;
import io.warren.spi.TunnelRegistry;
import io.warren.spi.TunnelRegistry.PutResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link TunnelRegistry} contract as tests: every implementation extends this class (see the Javadoc
 * of {@link TunnelRegistry}). Members come from {@link #startMember}; each call is another node of the
 * same cluster. A registry that is not {@linkplain TunnelRegistry#shared() shared} must behave as a
 * registry that knows no tunnel beyond its node: every write succeeds, every claim finds nothing, nobody
 * is evicted. Each test states both behaviours, so no implementation skips any.
 */
public abstract class TunnelRegistryContract {
    protected static final Duration WAIT = Duration.ofSeconds(10);
    protected static final Duration TTL = Duration.ofSeconds(30);

    private final List<TunnelRegistry> members = new ArrayList<>();
    /** Unique per test, so that tests sharing a backend never see each other's tunnels. */
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    /** A new member of this test's cluster, already started with {@code listener}. */
    protected abstract TunnelRegistry startMember(TunnelRegistry.Listener listener);

    /** A started member and the evictions it heard of. */
    protected record Member(TunnelRegistry registry, BlockingQueue<String> evicted) {}

    protected final Member member() {
        BlockingQueue<String> evicted = new LinkedBlockingQueue<>();
        TunnelRegistry r = startMember(evicted::add);
        members.add(r);
        return new Member(r, evicted);
    }

    /** A started member that answers forwarded requests with {@code serve}. */
    protected final Member member(BiFunction<String, String, CompletionStage<String>> serve) {
        BlockingQueue<String> evicted = new LinkedBlockingQueue<>();
        TunnelRegistry r = startMember(new TunnelRegistry.Listener() {
            @Override
            public void evicted(String tunnelId) {
                evicted.add(tunnelId);
            }

            @Override
            public CompletionStage<String> forwarded(String tunnelId, String request) {
                return serve.apply(tunnelId, request);
            }
        });
        members.add(r);
        return new Member(r, evicted);
    }

    @AfterEach
    void closeMembers() {
        for (TunnelRegistry r : members) {
            r.close();
        }
    }

    protected static <T> T join(CompletionStage<T> s) {
        try {
            return s.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("a registry stage failed: " + e.getCause(), e.getCause());
        } catch (Exception e) {
            throw new AssertionError("a registry stage did not complete within " + WAIT, e);
        }
    }

    protected final String id(String name) {
        return name + "-" + run;
    }

    protected final TunnelRecord record(String name) {
        return new TunnelRecord(
                id(name),
                "client-" + name,
                new Identity("alice", Map.of("role", "admin", "n", 3)),
                List.of(
                        PathPattern.parse("/a/b"),
                        PathPattern.parse("/a/*"),
                        PathPattern.parse("/x/**"),
                        PathPattern.parse("/t", true)),
                "1700000000000-3");
    }

    private static String poll(BlockingQueue<String> q, long millis) throws InterruptedException {
        return q.poll(millis, TimeUnit.MILLISECONDS);
    }

    @Test
    void newRecordsAreWrittenAndUnknownTunnelsCannotBeClaimedOrRemoved() {
        Member a = member();
        Member b = member();
        assertThat(join(a.registry().put(List.of(record("new1"), record("new2")), TTL, true)))
                .isEmpty();
        assertThat(join(b.registry().claim(id("nope"), TTL))).isNull();
        join(b.registry().remove(id("nope")));
        assertThat(join(a.registry().put(List.of(), TTL, false))).isEmpty();
    }

    @Test
    void aClaimTakesTheRecordWithItsIdentityAndInterestsAndEvictsTheOwner() throws InterruptedException {
        Member a = member();
        Member b = member();
        TunnelRecord r = record("T1");
        assertThat(join(a.registry().put(List.of(r), TTL, true))).isEmpty();
        TunnelRecord claimed = join(b.registry().claim(r.tunnelId(), TTL));
        if (!a.registry().shared()) {
            assertThat(claimed)
                    .as("a registry that shares nothing knows no other node's tunnel")
                    .isNull();
            assertThat(a.evicted()).isEmpty();
            assertThat(join(a.registry().put(List.of(r), TTL, false))).isEmpty();
            return;
        }
        assertThat(claimed).isEqualTo(r);
        assertThat(poll(a.evicted(), WAIT.toMillis())).isEqualTo(r.tunnelId());
        // The old owner can no longer write it, created or not; the new one can.
        assertThat(join(a.registry().put(List.of(r), TTL, false)))
                .containsEntry(r.tunnelId(), PutResult.OWNED_ELSEWHERE);
        assertThat(join(a.registry().put(List.of(r), TTL, true)))
                .containsEntry(r.tunnelId(), PutResult.OWNED_ELSEWHERE);
        assertThat(join(b.registry().put(List.of(r), TTL, false))).isEmpty();
        // Claiming what one owns already notifies nobody.
        assertThat(join(b.registry().claim(r.tunnelId(), TTL))).isEqualTo(r);
        assertThat(poll(b.evicted(), 300)).isNull();
        assertThat(a.evicted()).isEmpty();
    }

    @Test
    void aRefreshDoesNotCreateAndOnlyTheOwnerRemoves() {
        Member a = member();
        Member b = member();
        boolean shared = a.registry().shared();
        assertThat(join(a.registry().put(List.of(record("T2")), TTL, false)))
                .isEqualTo(shared ? Map.of(id("T2"), PutResult.MISSING) : Map.of());
        assertThat(join(b.registry().claim(id("T2"), TTL)))
                .as("a refresh does not create")
                .isNull();

        join(a.registry().put(List.of(record("T3")), TTL, true));
        join(b.registry().remove(id("T3")));
        assertThat(join(a.registry().put(List.of(record("T3")), TTL, false)))
                .as("not removed by a non-owner")
                .isEmpty();
        join(a.registry().remove(id("T3")));
        assertThat(join(b.registry().claim(id("T3"), TTL))).isNull();
        if (shared) {
            assertThat(join(a.registry().put(List.of(record("T3")), TTL, false)))
                    .as("removed by its owner")
                    .containsEntry(id("T3"), PutResult.MISSING);
        }
    }

    @Test
    void aRecordNotRefreshedWithinItsTtlExpiresForEveryMember() {
        Member a = member();
        Member b = member();
        Duration shortTtl = Duration.ofMillis(300);
        join(a.registry().put(List.of(record("T4"), record("T5")), shortTtl, true));
        join(a.registry().put(List.of(record("T5")), TTL, false));
        // One look once the short TTL has passed: a put without create neither revives nor refreshes a
        // missing record, so checking does not disturb what is checked.
        await().pollDelay(shortTtl.multipliedBy(3))
                .atMost(WAIT)
                .until(() -> join(a.registry().put(List.of(record("T4")), TTL, false))
                                .isEmpty()
                        != a.registry().shared());
        assertThat(join(b.registry().claim(id("T4"), TTL))).isNull();
        assertThat(join(b.registry().claim(id("T5"), TTL)))
                .isEqualTo(a.registry().shared() ? record("T5") : null);
    }

    @Test
    void aForwardedRequestReachesTheOwnerAndItsAnswerComesBackWithoutMovingTheTunnel() {
        Member a = member((tunnel, request) ->
                CompletableFuture.completedFuture(tunnel.equals(id("gone")) ? null : tunnel + " <- " + request));
        Member b = member();
        join(a.registry().put(List.of(record("F1"), record("gone")), TTL, true));
        String answer = join(b.registry().forward(id("F1"), "{\"n\":1}\nsecond line"));
        if (!a.registry().shared()) {
            assertThat(answer)
                    .as("a registry that shares nothing forwards nowhere")
                    .isNull();
            return;
        }
        assertThat(answer).isEqualTo(id("F1") + " <- {\"n\":1}\nsecond line");
        assertThat(join(b.registry().forward(id("nope"), "x")))
                .as("no node owns it")
                .isNull();
        assertThat(join(a.registry().forward(id("F1"), "x")))
                .as("the owner itself has no other node to ask")
                .isNull();
        assertThat(join(b.registry().forward(id("gone"), "x")))
                .as("the owner no longer holds it")
                .isNull();
        assertThat(join(a.registry().put(List.of(record("F1")), TTL, false)))
                .as("ownership unchanged")
                .isEmpty();
        assertThat(a.evicted()).isEmpty();
    }

    @Test
    void aForwardTheOwnerFailsOrNeverAnswersFailsInBoundedTime() {
        Member failing = member((tunnel, request) -> CompletableFuture.failedFuture(new IllegalStateException("no")));
        Member silent = member((tunnel, request) -> new CompletableFuture<>());
        Member b = member();
        join(failing.registry().put(List.of(record("F2")), TTL, true));
        join(silent.registry().put(List.of(record("F3")), TTL, true));
        if (!b.registry().shared()) {
            assertThat(join(b.registry().forward(id("F2"), "x"))).isNull();
            assertThat(join(b.registry().forward(id("F3"), "x"))).isNull();
            return;
        }
        for (String t : List.of("F2", "F3")) {
            CompletableFuture<String> f = b.registry().forward(id(t), "x").toCompletableFuture();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                    .as(t)
                    .isInstanceOf(ExecutionException.class);
        }
    }
}
