package io.warren.engine;

import io.warren.Limits;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of a tunnel's end by time: a periodic sweep per shard (every
 * {@code sweepInterval}) sends keepalives to idle streams, culls tunnels detached longer than the tunnel
 * timeout (or the shorter first-attach timeout when the client never came back after its first
 * connection), ends tunnels whose credentials expired, and refreshes cluster records ({@link Records}).
 * Held polls time out on their own timer in the tunnel. Everything here runs on the shard's thread.
 */
final class Sweeps {
    private static final Logger log = LoggerFactory.getLogger(Sweeps.class);

    private final Node node;
    private final Limits limits;
    private final Records records;

    Sweeps(Node node, Limits limits, Records records) {
        this.node = node;
        this.limits = limits;
        this.records = records;
    }

    /** Schedules the next sweep of {@code s}, and the one after it when that has run, while the node runs. */
    void schedule(Shard s) {
        if (!node.running()) {
            return;
        }
        s.executor()
                .schedule(
                        () -> {
                            try {
                                sweep(s);
                            } catch (Throwable e) {
                                log.error("sweep of shard {} failed", s.index(), e);
                            }
                            schedule(s);
                        },
                        node.options()
                                .sweepInterval(node.formats()
                                        .shortestKeepalive(node.options().keepalive()))
                                .toNanos(),
                        TimeUnit.NANOSECONDS);
    }

    /**
     * Shard thread: keepalives for idle streams, culling of tunnels detached too long: the tunnel timeout,
     * or the shorter first-attach timeout for a tunnel whose client never came back after its first
     * connection (an abandoned or scripted open should not hold memory for the whole tunnel timeout).
     */
    void sweep(Shard s) {
        long now = node.nanoTime();
        long timeout = node.options().tunnelTimeout().toNanos();
        long firstAttach = limits.firstAttachTimeout().toNanos();
        Instant wall = Instant.now();
        for (int i = s.tunnels.size() - 1; i >= 0; i--) {
            Tunnel t = s.tunnels.get(i);
            if (t.identity().isExpired(wall)) {
                expire(t);
            } else if (t.expired(now, t.returned() ? timeout : Math.min(timeout, firstAttach))) {
                cull(t, "culled");
            } else {
                t.keepalive(now);
            }
        }
        if (records.shared()) {
            records.refresh(s, now);
        }
    }

    /**
     * Shard thread: the tunnel's credentials expired. Its connection (a held poll too) gets
     * {@code /meta/close} with reason {@code expired} and the tunnel is removed; re-attaching
     * authenticates again (a fresh token).
     */
    void expire(Tunnel t) {
        t.endConnection("expired", true, true);
        cull(t, "expired");
    }

    /**
     * Shard thread: removes the tunnel with its interests, here and cluster-wide; {@code reason} as
     * {@link Node#drop} takes it ({@code culled}, {@code expired}, {@code failed}).
     */
    void cull(Tunnel t, String reason) {
        if (t.isClosed()) {
            return;
        }
        node.drop(t, reason);
        if (records.shared()) {
            records.remove(t.id());
        }
    }
}
