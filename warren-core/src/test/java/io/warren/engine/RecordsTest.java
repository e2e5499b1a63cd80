package io.warren.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.NodeOptions;
import io.warren.format.Formats;
import io.warren.path.PathPattern;
import io.warren.spi.Authorizer;
import io.warren.spi.TunnelRecord;
import io.warren.spi.TunnelRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Cluster records on their own: when they are written, and what a record that belongs elsewhere does here. */
class RecordsTest {
    private static final NodeOptions OPTIONS = NodeOptions.defaults().withTunnelTimeout(Duration.ofSeconds(9));

    private final ManualShardExecutor exec = new ManualShardExecutor();
    private final Shared registry = new Shared();
    private Node node;

    /** A cluster-wide registry in memory: records every write and answers {@link #answer}; a claim finds {@link #claimable}. */
    static final class Shared implements TunnelRegistry {
        final List<String> writes = new ArrayList<>();
        Map<String, PutResult> answer = Map.of();
        TunnelRecord claimable;
        Listener listener;

        @Override
        public CompletionStage<Void> start(Listener l) {
            listener = l;
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean shared() {
            return true;
        }

        @Override
        public CompletionStage<TunnelRecord> claim(String id, Duration ttl) {
            writes.add("claim " + id);
            return CompletableFuture.completedFuture(
                    claimable != null && claimable.tunnelId().equals(id) ? claimable : null);
        }

        @Override
        public CompletionStage<Void> remove(String id) {
            writes.add("remove " + id);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<String> forward(String id, String request) {
            writes.add("forward " + id);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {}

        @Override
        public CompletionStage<Map<String, PutResult>> put(
                Collection<TunnelRecord> records, Duration ttl, boolean create) {
            for (TunnelRecord r : records) {
                writes.add(
                        (create ? "create " : "put ") + r.tunnelId() + " " + r.interests() + " ttl=" + ttl.toSeconds());
            }
            return CompletableFuture.completedFuture(answer);
        }
    }

    @AfterEach
    void close() {
        if (node != null) {
            node.close();
        }
    }

    private Tunnel open(RecordingConnection c, TunnelRegistry r, String... patterns) {
        if (node == null) {
            node = Node.builder()
                    .authorizer(Authorizer.allowAll())
                    .options(OPTIONS)
                    .registry(r)
                    .executors(List.of(exec))
                    .clock(exec::now)
                    .build();
            node.start();
        }
        return exec.done(node.open(
                NodeSecurityTest.from("10.0.0.1"), node.shardFor(exec), Node.openPatterns(List.of(patterns)), c));
    }

    private static RecordingConnection conn() {
        return new RecordingConnection(Formats.builtIn().get("stream"));
    }

    private Records records(TunnelRegistry r) {
        return new Records(r, () -> OPTIONS, node);
    }

    @Test
    void aSaveWritesTheInterestsWithTheTunnelTimeoutAndOnASingleNodeNothing() {
        Tunnel t = open(conn(), registry, "/a");
        registry.writes.clear();
        assertThat(records(registry).save(t).toCompletableFuture()).isCompleted();
        assertThat(registry.writes).containsExactly("put " + t.id() + " [" + PathPattern.parse("/a") + "] ttl=9");

        assertThat(records(TunnelRegistry.local()).shared()).isFalse();
        long before = t.registeredNanos();
        exec.advanceMillis(1);
        assertThat(records(TunnelRegistry.local()).save(t).toCompletableFuture())
                .isCompleted();
        assertThat(t.registeredNanos()).as("nothing written, nothing refreshed").isEqualTo(before);
    }

    @Test
    void refreshWritesOnlyRecordsOlderThanAThirdOfTheTunnelTimeout() {
        Tunnel old = open(conn(), registry);
        exec.advanceMillis(2_000);
        Tunnel young = open(conn(), registry);
        registry.writes.clear();
        Records records = records(registry);
        records.refresh(old.shard(), exec.now() + 1_000_000_000L); // old: 3 s since its write, young: 1 s
        assertThat(registry.writes).containsExactly("put " + old.id() + " [] ttl=9");
        assertThat(young.registeredNanos()).isLessThan(old.registeredNanos());
    }

    @Test
    void aRecordOwnedElsewhereSupersedesTheTunnelHereAndAMissingOneCullsIt() {
        RecordingConnection c1 = conn();
        RecordingConnection c2 = conn();
        Tunnel t1 = open(c1, registry);
        Tunnel t2 = open(c2, registry);
        Records records = records(registry);
        registry.answer = Map.of(t1.id(), TunnelRegistry.PutResult.OWNED_ELSEWHERE);
        records.save(t1);
        registry.answer = Map.of(t2.id(), TunnelRegistry.PutResult.MISSING);
        records.save(t2);
        exec.runPending();
        assertThat(t1.isClosed()).isTrue();
        assertThat(t2.isClosed()).isTrue();
        assertThat(c1.text()).contains("/meta/close").contains("superseded");
        assertThat(c2.text()).contains("/meta/close").contains("culled");
        assertThat(node.tunnelCount()).isZero();
    }

    @Test
    void anEvictionNoticeEndsTheTunnelHereAndAnUnknownIdChangesNothing() {
        RecordingConnection c = conn();
        Tunnel t = open(c, registry);
        Tunnel other = open(conn(), registry);
        registry.listener.evicted("no-such-tunnel");
        registry.listener.evicted(t.id());
        exec.runPending();
        assertThat(t.isClosed()).isTrue();
        assertThat(c.text()).contains("superseded");
        assertThat(other.isClosed()).isFalse();
        assertThat(registry.writes).noneMatch(w -> w.startsWith("remove"));
    }

    @Test
    void aBrokerGapRewritesEveryRecordAndTellsEveryTunnel() {
        RecordingConnection c = conn();
        Tunnel t = open(c, registry, "/a");
        registry.writes.clear();
        records(registry).brokerGap(t.shard());
        exec.runPending();
        assertThat(registry.writes).containsExactly("create " + t.id() + " [" + PathPattern.parse("/a") + "] ttl=9");
        assertThat(c.text()).contains("gap");
    }
}
