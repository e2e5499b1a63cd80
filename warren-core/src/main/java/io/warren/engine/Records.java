package io.warren.engine;

import io.warren.NodeOptions;
import io.warren.spi.TunnelRecord;
import io.warren.spi.TunnelRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of this node's tunnel records in the {@link TunnelRegistry}: what a record holds, when
 * it is written (opened, interests changed, a third of the tunnel timeout since the last write, the
 * broker lost datagrams), claims and removals, and what happens when a record turns out to belong
 * elsewhere (another node took the tunnel over, or it expired cluster-wide): the tunnel is dropped here.
 *
 * <p>On a single node ({@link TunnelRegistry#shared()} false) writes are skipped. Per-tunnel methods run
 * on the tunnel's shard thread; registry answers come back to that thread before touching a tunnel.
 */
final class Records {
    private static final Logger log = LoggerFactory.getLogger(Records.class);

    private final TunnelRegistry registry;
    private final Supplier<NodeOptions> options;
    private final Node node;

    Records(TunnelRegistry registry, Supplier<NodeOptions> options, Node node) {
        this.registry = registry;
        this.options = options;
        this.node = node;
    }

    /** Whether tunnels are registered cluster-wide (another node may take one over). */
    boolean shared() {
        return registry.shared();
    }

    /**
     * Starts the registry; eviction notices drop the named tunnel here, and requests other nodes forward
     * for a tunnel recorded as this node's go to {@code forwarded}.
     */
    CompletionStage<Void> start(BiFunction<String, String, CompletionStage<String>> forwarded) {
        return registry.start(new TunnelRegistry.Listener() {
            @Override
            public void evicted(String tunnelId) {
                Records.this.evicted(tunnelId);
            }

            @Override
            public CompletionStage<String> forwarded(String tunnelId, String request) {
                return forwarded.apply(tunnelId, request);
            }
        });
    }

    private Duration ttl() {
        return options.get().tunnelTimeout();
    }

    static TunnelRecord record(Tunnel t) {
        return new TunnelRecord(t.id(), t.clientId(), t.identity(), List.copyOf(t.interests()), t.logMark);
    }

    /** Claims a tunnel another node may hold: its record, or null when the cluster knows no such tunnel. */
    CompletionStage<TunnelRecord> claim(String tunnelId) {
        return registry.claim(tunnelId, ttl());
    }

    /** Removes the tunnel's record cluster-wide (culled, or its identity expired). */
    void remove(String tunnelId) {
        registry.remove(tunnelId);
    }

    /** Shard thread: the first record of a new tunnel, taking the id over; completes when written. */
    CompletionStage<Void> register(Tunnel t) {
        CompletionStage<Void> written =
                registry.put(List.of(record(t)), ttl(), true).thenAccept(r -> {});
        t.registered(node.nanoTime());
        return written;
    }

    /** Shard thread: writes the tunnel's record (its interests changed); completes when written. */
    CompletionStage<Void> save(Tunnel t) {
        if (!registry.shared()) {
            return CompletableFuture.completedFuture(null);
        }
        t.registered(node.nanoTime());
        return registry.put(List.of(record(t)), ttl(), false).thenAccept(lost -> lost(t.shard(), lost));
    }

    /**
     * Shard thread: refreshes the expiry of records not written for a third of the tunnel timeout, so
     * that only tunnels of dead or stalled nodes expire; their directory entries and presence go with them.
     */
    void refresh(Shard s, long now) {
        long every = ttl().toNanos() / 3;
        List<Tunnel> tunnels = new ArrayList<>();
        for (int i = 0; i < s.tunnels.size(); i++) {
            Tunnel t = s.tunnels.get(i);
            if (now - t.registeredNanos() >= every) {
                t.registered(now);
                tunnels.add(t);
            }
        }
        node.presence().refresh(tunnels);
        if (!tunnels.isEmpty() && registry.shared()) {
            List<TunnelRecord> due = new ArrayList<>(tunnels.size());
            for (Tunnel t : tunnels) {
                due.add(record(t));
            }
            registry.put(due, ttl(), false).whenComplete((lost, e) -> {
                if (e != null) {
                    log.debug("refreshing tunnel records failed: {}", e.toString());
                } else {
                    lost(s, lost);
                }
            });
        }
    }

    /**
     * The broker delivers again after losing datagrams: every tunnel of {@code s} is told of the gap, and
     * the records are written again in case the backend lost them too. Any thread.
     */
    void brokerGap(Shard s) {
        s.executor().execute(() -> {
            long now = node.nanoTime();
            List<TunnelRecord> records = new ArrayList<>(s.tunnels.size());
            for (int i = s.tunnels.size() - 1; i >= 0; i--) {
                Tunnel t = s.tunnels.get(i);
                t.reportGap();
                t.registered(now);
                records.add(record(t));
            }
            if (registry.shared() && !records.isEmpty()) {
                registry.put(records, ttl(), true).thenAccept(lost -> lost(s, lost));
            }
        });
    }

    /**
     * Records this node could not write: another node took the tunnel over (its eviction notice may have
     * been missed), or it expired cluster-wide while this node stalled. Either way it must not live here.
     */
    private void lost(Shard s, Map<String, TunnelRegistry.PutResult> lost) {
        if (lost.isEmpty()) {
            return;
        }
        s.executor()
                .execute(() -> lost.forEach((id, why) -> {
                    Tunnel t = node.local(id);
                    if (t != null && t.shard() == s) {
                        node.drop(t, why == TunnelRegistry.PutResult.OWNED_ELSEWHERE ? "superseded" : "culled");
                    }
                }));
    }

    /** Another node claimed this tunnel: its connection here ends, as with any newer attach. */
    private void evicted(String tunnelId) {
        Tunnel t = node.local(tunnelId);
        if (t != null) {
            t.shard().executor().execute(() -> node.drop(t, "superseded"));
        }
    }

    void close() {
        registry.close();
    }
}
