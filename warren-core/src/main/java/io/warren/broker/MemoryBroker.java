package io.warren.broker;

import io.warren.datagram.Datagram;
import io.warren.path.Path;
import io.warren.path.PathPattern;
import io.warren.spi.Broker;
import io.warren.spi.HistoryRule;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The single-node broker: a published datagram goes straight to this node's listener, on the calling
 * thread. The node routes it locally, so interest calls need no bookkeeping here. Per-path history
 * ({@link HistoryRule}) is kept in memory, for at most {@link HistoryRule#MAX_PATHS} paths.
 */
public final class MemoryBroker implements Broker {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final List<HistoryRule> rules;
    /** Path -> its history (datagram, time kept), least recently used first; guarded by itself. */
    private final Map<String, ArrayDeque<Kept>> histories = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ArrayDeque<Kept>> eldest) {
            return size() > HistoryRule.MAX_PATHS;
        }
    };

    private volatile Listener listener;
    private final PublishIds publishIds = new PublishIds(System::nanoTime);

    public MemoryBroker() {
        this(List.of());
    }

    public MemoryBroker(List<HistoryRule> history) {
        this.rules = List.copyOf(history);
    }

    private record Kept(Datagram datagram, long nanos) {}

    @Override
    public CompletionStage<Void> start(Listener listener) {
        this.listener = listener;
        return DONE;
    }

    @Override
    public CompletionStage<Void> publish(Datagram datagram) {
        Listener l = listener;
        if (l == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("broker is not started"));
        }
        HistoryRule rule = rules.isEmpty() ? null : HistoryRule.find(rules, datagram.path());
        if (rule != null) {
            // Kept before routing, so that a subscriber reading the history misses nothing in between.
            synchronized (histories) {
                ArrayDeque<Kept> h = histories.computeIfAbsent(datagram.path().toString(), k -> new ArrayDeque<>());
                h.addLast(new Kept(datagram, System.nanoTime()));
                while (h.size() > rule.size()) {
                    h.removeFirst();
                }
            }
        }
        try {
            l.onDatagram(datagram);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e); // the node could not route it all: the publisher learns
        }
        return DONE;
    }

    @Override
    public CompletionStage<Replay> history(Path path, String since, int recent) {
        HistoryRule rule = HistoryRule.find(rules, path);
        if (rule == null) {
            return CompletableFuture.completedFuture(Replay.NONE);
        }
        List<Datagram> kept = new ArrayList<>();
        long oldest = System.nanoTime() - rule.ttl().toNanos();
        synchronized (histories) {
            ArrayDeque<Kept> h = histories.get(path.toString());
            if (h != null) {
                for (Iterator<Kept> it = h.iterator(); it.hasNext(); ) {
                    Kept k = it.next();
                    if (k.nanos - oldest < 0) {
                        it.remove();
                    } else {
                        kept.add(k.datagram);
                    }
                }
            }
        }
        return CompletableFuture.completedFuture(select(kept, since, recent));
    }

    /** From a path's history (oldest first): what came after {@code since}, else the newest {@code recent}. */
    public static Replay select(List<Datagram> kept, String since, int recent) {
        if (since != null) {
            for (int i = kept.size() - 1; i >= 0; i--) {
                if (kept.get(i).id().equals(since)) {
                    return new Replay(kept.subList(i + 1, kept.size()), true);
                }
            }
            return new Replay(kept, false);
        }
        return new Replay(kept.subList(Math.max(0, kept.size() - recent), kept.size()), true);
    }

    @Override
    public CompletionStage<String> claimOnce(String key, String datagramId, java.time.Duration window) {
        return publishIds.claim(key, datagramId, window);
    }

    @Override
    public CompletionStage<Void> forgetClaim(String key, String datagramId) {
        return publishIds.forget(key, datagramId);
    }

    @Override
    public CompletionStage<Void> subscribe(PathPattern pattern) {
        return DONE;
    }

    @Override
    public CompletionStage<Void> unsubscribe(PathPattern pattern) {
        return DONE;
    }

    @Override
    public void close() {
        listener = null;
    }
}
