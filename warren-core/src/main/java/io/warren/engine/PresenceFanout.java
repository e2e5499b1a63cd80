package io.warren.engine;

import io.warren.api.NodeListener;
import io.warren.datagram.Datagram;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands presence announcements (from any thread) to every shard's watchers through one bounded queue per
 * shard, drained by at most one task on the shard's executor at a time: a burst of joins costs one task per
 * shard, not one per announcement, and never grows a shard's task queue without bound. An announcement that
 * finds a shard's queue full ({@value #CAPACITY} waiting) is dropped for that shard and counted
 * ({@link NodeListener#presenceDropped()}), and the shard is told which path missed which version (one mark
 * per path, the newest), after what was queued before: its watchers of that path are brought back in sync
 * ({@link PresenceWatchers}). Never blocks.
 */
final class PresenceFanout {
    private static final Logger log = LoggerFactory.getLogger(PresenceFanout.class);
    static final int CAPACITY = 4096;

    private record Change(String path, long version, Datagram datagram) {}

    private static final class Lane {
        final ConcurrentLinkedQueue<Change> queue = new ConcurrentLinkedQueue<>();
        final AtomicInteger size = new AtomicInteger();
        final AtomicBoolean scheduled = new AtomicBoolean();
        /** Path -> the newest version dropped for this shard; bounded by the paths with members. */
        final ConcurrentHashMap<String, Long> missed = new ConcurrentHashMap<>();

        final AtomicBoolean missedAll = new AtomicBoolean();

        boolean idle() {
            return queue.isEmpty() && missed.isEmpty() && !missedAll.get();
        }
    }

    private final Supplier<Shard[]> shards;
    private final int capacity;
    private final NodeListener listener;
    private volatile Lane @Nullable [] lanes;

    PresenceFanout(Supplier<Shard[]> shards, NodeListener listener) {
        this(shards, CAPACITY, listener);
    }

    PresenceFanout(Supplier<Shard[]> shards, int capacity, NodeListener listener) {
        this.shards = shards;
        this.capacity = capacity;
        this.listener = listener;
    }

    /** Any thread: change {@code version} of {@code path}, to the watchers of every shard. */
    void deliver(String path, long version, Datagram d) {
        Shard[] all = shards.get();
        Lane[] ls = lanes(all.length);
        Change c = new Change(path, version, d);
        for (int i = 0; i < all.length; i++) {
            Lane lane = ls[i];
            if (lane.size.incrementAndGet() > capacity) {
                lane.size.decrementAndGet();
                lane.missed.merge(path, version, Math::max);
                listener.presenceDropped();
                log.debug("presence change of {} dropped for shard {}: its queue is full", path, i);
            } else {
                lane.queue.add(c);
            }
            schedule(all[i], lane);
        }
    }

    /** Any thread: announcements of any path may have been lost (the directory reconnected); every shard repairs. */
    void missedAll() {
        Shard[] all = shards.get();
        Lane[] ls = lanes(all.length);
        for (int i = 0; i < all.length; i++) {
            ls[i].missedAll.set(true);
            schedule(all[i], ls[i]);
        }
    }

    private void schedule(Shard s, Lane lane) {
        if (!lane.scheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            s.executor().execute(() -> drain(s, lane));
        } catch (RuntimeException e) {
            // The shard's executor is shutting down: nobody is left to watch there.
            lane.scheduled.set(false);
            log.debug("presence not delivered to shard {}: {}", s.index(), e.toString());
        }
    }

    /**
     * Shard thread: delivers what waits, then the marks of what was dropped, then lets the next announcement
     * schedule a drain again.
     */
    private void drain(Shard s, Lane lane) {
        Change c;
        while ((c = lane.queue.poll()) != null) {
            lane.size.decrementAndGet();
            s.presence(c.path(), c.version(), c.datagram());
        }
        for (String path : lane.missed.keySet()) {
            Long version = lane.missed.remove(path); // atomically: a newer mark made meanwhile is not lost
            if (version != null) {
                s.presenceMissed(path, version);
            }
        }
        if (lane.missedAll.getAndSet(false)) {
            s.presenceMissedAll();
        }
        lane.scheduled.set(false);
        if (!lane.idle()) {
            schedule(s, lane);
        }
    }

    private Lane[] lanes(int n) {
        Lane[] ls = lanes;
        if (ls == null || ls.length != n) {
            synchronized (this) {
                ls = lanes;
                if (ls == null || ls.length != n) {
                    ls = new Lane[n];
                    for (int i = 0; i < n; i++) {
                        ls[i] = new Lane();
                    }
                    lanes = ls;
                }
            }
        }
        return ls;
    }
}
