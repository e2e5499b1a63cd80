package io.warren.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.Limits;
import io.warren.NodeOptions;
import io.warren.format.Formats;
import io.warren.spi.Authorizer;
import io.warren.spi.Identity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One sweep at a time, on a clock the test moves (the node's own timers never fire: the executor's
 * clock stays put): keepalives, the tunnel and first-attach timeouts, expiry, and culling cluster-wide.
 */
class SweepsTest {
    private static final long SECOND = 1_000_000_000L;
    private static final Limits LIMITS = Limits.defaults().withFirstAttachTimeout(Duration.ofSeconds(2));

    private final ManualShardExecutor exec = new ManualShardExecutor();
    private final RecordsTest.Shared registry = new RecordsTest.Shared();
    private long now;
    private Node node;
    private Sweeps sweeps;

    @AfterEach
    void close() {
        if (node != null) {
            node.close();
        }
    }

    /** Tunnels opened from 10.0.0.9 carry an identity that has expired; any other address, a valid one. */
    private void node() {
        Identity expired = new Identity("u", Map.of(), Instant.now().minusSeconds(1));
        node = Node.builder()
                .authorizer(Authorizer.allowAll())
                .options(NodeOptions.defaults()
                        .withTunnelTimeout(Duration.ofSeconds(10))
                        .withKeepalive(Duration.ofSeconds(5)))
                .limits(LIMITS)
                .registry(registry)
                .authenticator(r -> CompletableFuture.completedFuture(
                        r.remoteAddress().equals("10.0.0.9") ? expired : Identity.ANONYMOUS))
                .executors(List.of(exec))
                .clock(() -> now)
                .build();
        node.start();
        sweeps = new Sweeps(node, LIMITS, new Records(registry, node::options, node));
    }

    private Tunnel open(RecordingConnection c) {
        return open(c, "10.0.0.1");
    }

    private Tunnel open(RecordingConnection c, String address) {
        return exec.done(node.open(NodeSecurityTest.from(address), node.shardFor(exec), List.of(), c));
    }

    private static RecordingConnection conn() {
        return new RecordingConnection(Formats.builtIn().get("stream"));
    }

    private void sweepAt(long nanos) {
        now = nanos;
        Shard s = node.shardFor(exec);
        exec.execute(() -> sweeps.sweep(s));
        exec.runPending();
    }

    @Test
    void aTunnelNeverAttachedAgainIsCulledAtTheFirstAttachTimeoutOneThatCameBackAtTheTunnelTimeout() {
        node();
        RecordingConnection c1 = conn();
        Tunnel abandoned = open(c1);
        node.detach(abandoned, c1);
        Tunnel back = open(conn());
        RecordingConnection again = conn();
        exec.done(node.attach(NodeSecurityTest.from("10.0.0.1"), back.shard(), back.id(), null, List.of(), again));
        node.detach(back, again);
        exec.runPending();

        sweepAt(2 * SECOND + 1);
        assertThat(abandoned.isClosed()).as("first-attach timeout").isTrue();
        assertThat(back.isClosed()).isFalse();
        sweepAt(9 * SECOND);
        assertThat(back.isClosed()).isFalse();
        sweepAt(10 * SECOND + 1);
        assertThat(back.isClosed()).as("tunnel timeout").isTrue();
        assertThat(registry.writes)
                .filteredOn(w -> w.startsWith("remove"))
                .containsExactly("remove " + abandoned.id(), "remove " + back.id());
        assertThat(node.tunnelCount()).isZero();
    }

    @Test
    void anAttachedStreamGetsAKeepaliveOnceIdleForTheKeepaliveAndIsNeverCulled() {
        node();
        RecordingConnection c = conn();
        Tunnel t = open(c);
        sweepAt(4 * SECOND);
        assertThat(c.text()).doesNotContain("/meta/keepalive");
        sweepAt(5 * SECOND);
        assertThat(c.text()).contains("/meta/keepalive");
        sweepAt(60 * SECOND);
        assertThat(t.isClosed()).isFalse();
    }

    @Test
    void anExpiredIdentityEndsTheConnectionWithExpiredAndRemovesTheTunnelEverywhere() {
        node();
        RecordingConnection c = conn();
        Tunnel t = open(c, "10.0.0.9");
        Tunnel valid = open(conn());
        sweepAt(SECOND);
        assertThat(t.isClosed()).isTrue();
        assertThat(valid.isClosed()).isFalse();
        assertThat(c.text()).contains("\"reason\":\"expired\"");
        assertThat(registry.writes).contains("remove " + t.id());
    }

    @Test
    void cullingAClosedTunnelChangesNothing() {
        node();
        Tunnel t = open(conn());
        exec.execute(() -> {
            sweeps.cull(t, "culled");
            sweeps.cull(t, "culled");
        });
        exec.runPending();
        assertThat(registry.writes).filteredOn(w -> w.startsWith("remove")).containsExactly("remove " + t.id());
        assertThat(node.tunnelCount()).isZero();
    }
}
