package io.warren.engine;

import io.warren.api.NodeListener;
import io.warren.datagram.Datagram;
import java.util.IdentityHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Counts the writes of one shard batch per datagram, so the listener hears once per datagram and batch
 * ({@link NodeListener#delivered(Datagram, int)}) rather than once per tunnel: a broadcast to a thousand
 * tunnels of a shard is one call. Writes outside a batch (a replay on attach, a poll answered by its
 * timer, a history release) are reported one by one. The common case, one datagram written to every
 * tunnel of the batch in turn, needs no map.
 *
 * <p>Confined to the shard's thread.
 */
final class DeliveryTally {
    private final NodeListener listener;
    private final IdentityHashMap<Datagram, int[]> counts = new IdentityHashMap<>();
    private boolean batching;
    private @Nullable Datagram last;
    private int lastCount;

    DeliveryTally(NodeListener listener) {
        this.listener = listener;
    }

    void begin() {
        batching = true;
    }

    /** {@code d} was written to one more tunnel. */
    void count(Datagram d) {
        if (!batching) {
            listener.delivered(d, 1);
        } else if (d == last) {
            lastCount++;
        } else {
            spill();
            last = d;
            lastCount = 1;
        }
    }

    private void spill() {
        if (last != null) {
            counts.computeIfAbsent(last, k -> new int[1])[0] += lastCount;
            last = null;
        }
    }

    /** Ends the batch: one report per datagram written. */
    void end() {
        batching = false;
        if (counts.isEmpty()) {
            if (last != null) {
                listener.delivered(last, lastCount);
                last = null;
            }
            return;
        }
        spill();
        counts.forEach((d, n) -> listener.delivered(d, n[0]));
        counts.clear();
    }
}
