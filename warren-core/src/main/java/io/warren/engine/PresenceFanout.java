package io.warren.engine;

import io.warren.datagram.Datagram;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands presence announcements (from any thread) to every shard's watchers through one bounded queue per
 * shard, drained by at most one task on the shard's executor at a time: a burst of joins costs one task per
 * shard, not one per announcement, and never grows a shard's task queue without bound. An announcement that
 * finds a shard's queue full ({@value #CAPACITY} waiting) is dropped for that shard and counted
 * ({@link #overloaded()}); its watchers miss that change. Never blocks.
 */
final class PresenceFanout {
    private static final Logger log = LoggerFactory.getLogger(PresenceFanout.class);
    static final int CAPACITY = 4096;

    private record Change(String path, long version, Datagram datagram) {}

    private static final class Lane {
        final ConcurrentLinkedQueue<Change> queue = new ConcurrentLinkedQueue<>();
        final AtomicInteger size = new AtomicInteger();
        final AtomicBoolean scheduled = new AtomicBoolean();
    }

    private final Supplier<Shard[]> shards;
    private final int capacity;
    private final LongAdder overloaded = new LongAdder();
    private volatile Lane @Nullable [] lanes;

    PresenceFanout(Supplier<Shard[]> shards) {
        this(shards, CAPACITY);
    }

    PresenceFanout(Supplier<Shard[]> shards, int capacity) {
        this.shards = shards;
        this.capacity = capacity;
    }

    /** Announcements dropped because a shard's queue was full, since start. */
    long overloaded() {
        return overloaded.sum();
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
                overloaded.increment();
                log.debug("presence change of {} dropped for shard {}: its queue is full", path, i);
                continue;
            }
            lane.queue.add(c);
            schedule(all[i], lane);
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

    /** Shard thread: delivers what waits, then lets the next announcement schedule a drain again. */
    private void drain(Shard s, Lane lane) {
        Change c;
        while ((c = lane.queue.poll()) != null) {
            lane.size.decrementAndGet();
            s.presence(c.path(), c.version(), c.datagram());
        }
        lane.scheduled.set(false);
        if (!lane.queue.isEmpty()) {
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
