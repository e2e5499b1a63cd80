package io.warren.engine;

import io.warren.datagram.Ack;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The idempotency window: the acks of a tunnel's last datagrams by their {@code ref}, so a retried
 * datagram is answered with the first ack instead of being published twice. Bounded by the window given
 * on first use; the map is allocated only then. Shard thread.
 */
final class AckWindow {
    private @Nullable Map<String, CompletionStage<Ack>> refs;

    @Nullable
    CompletionStage<Ack> remembered(String ref) {
        return refs == null ? null : refs.get(ref);
    }

    /** Remembers {@code ack} for {@code ref}, forgetting the eldest beyond {@code window}; 0 or less remembers nothing. */
    void remember(String ref, CompletionStage<Ack> ack, int window) {
        if (window <= 0) {
            return;
        }
        if (refs == null) {
            refs = new LinkedHashMap<>(16, 0.75f, false) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, CompletionStage<Ack>> eldest) {
                    return size() > window;
                }
            };
        }
        refs.put(ref, ack);
    }

    /** Forgets {@code ref} if it still maps to {@code ack} (a failed publish may be retried). */
    void forget(String ref, CompletionStage<Ack> ack) {
        if (refs != null) {
            refs.remove(ref, ack);
        }
    }

    void clear() {
        refs = null;
    }
}
