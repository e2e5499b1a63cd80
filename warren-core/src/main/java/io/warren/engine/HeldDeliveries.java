package io.warren.engine;

import io.warren.datagram.Datagram;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Deliveries waiting for history: while history requests are in flight, what is routed to the tunnel
 * is held (bounded; the oldest goes first and the tunnel is told of a gap), so that the history comes
 * first and everything stays in publish order. Shard thread.
 */
final class HeldDeliveries {
    private int holds;
    private @Nullable ArrayList<Datagram> held;
    private boolean overflow;

    /** One more history request is in flight. */
    void hold() {
        holds++;
    }

    boolean holding() {
        return holds > 0;
    }

    /** Holds {@code d}; beyond {@code limit} the oldest held datagram is dropped and an overflow noted. */
    void add(Datagram d, int limit) {
        if (held == null) {
            held = new ArrayList<>();
        }
        if (held.size() >= limit) {
            held.remove(0);
            overflow = true;
        }
        held.add(d);
    }

    /**
     * One history request answered: {@code history}, then what was held, minus ids in {@code have} (which
     * collects what is returned). Returns what to deliver now, or null when another request still holds
     * (the result then stays held, this history first).
     */
    @Nullable
    List<Datagram> release(List<Datagram> history, Set<String> have) {
        holds--;
        ArrayList<Datagram> next = new ArrayList<>(history.size() + (held == null ? 0 : held.size()));
        for (Datagram d : history) {
            if (have.add(d.id())) {
                next.add(d);
            }
        }
        if (held != null) {
            for (Datagram d : held) {
                if (have.add(d.id())) {
                    next.add(d);
                }
            }
        }
        held = null;
        if (holds > 0) {
            held = next;
            return null;
        }
        return next;
    }

    /** Whether held datagrams were dropped since the last call. */
    boolean takeOverflow() {
        boolean o = overflow;
        overflow = false;
        return o;
    }
}
