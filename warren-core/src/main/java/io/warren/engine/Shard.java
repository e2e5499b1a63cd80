package io.warren.engine;

import io.warren.api.NodeListener;
import io.warren.datagram.Datagram;
import io.warren.path.Path;
import io.warren.path.PathPattern;
import io.warren.routing.InterestIndex;
import io.warren.spi.ShardExecutor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A set of tunnels owned by one thread (a Netty event loop in the server), with their interest index.
 * Everything here except {@link #offer} runs on that thread, so tunnels and the index need no locks.
 *
 * <p>Fan-out: publishers {@link #offer} datagrams into a bounded inbox; one drain task per burst routes
 * every waiting datagram to its local tunnels and then flushes each touched tunnel once, so a burst of
 * datagrams costs one task and one write per tunnel, not one per datagram and subscriber.
 *
 * <p>No silent loss: a datagram the full inbox refuses is remembered by path ({@link LostPaths}), and
 * the next drain tells every tunnel that may have wanted it of a gap, after delivering what was queued
 * before it.
 */
public final class Shard {
    private static final Logger log = LoggerFactory.getLogger(Shard.class);
    private static final int MAX_DRAIN = 4096;
    private static final long WARN_EVERY_NANOS = 10_000_000_000L;

    private final int index;
    private final ShardExecutor executor;
    private final int inboxLimit;
    private final InterestIndex<Tunnel> interests = new InterestIndex<>(); // written only through a grant
    private final PresenceWatchers watchers; // written only through a grant
    final ArrayList<Tunnel> tunnels = new ArrayList<>();
    private final ArrayList<Tunnel> dirty = new ArrayList<>();
    private final ConcurrentLinkedQueue<Datagram> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inboxSize = new AtomicInteger();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final LostPaths lost = new LostPaths();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong nextWarn = new AtomicLong(System.nanoTime());
    private final Runnable drainTask = this::drain;

    private final DeliveryTally tally;

    Shard(int index, ShardExecutor executor, int inboxLimit, NodeListener listener) {
        this(index, executor, inboxLimit, listener, (path, shard, then) -> then.accept(null));
    }

    Shard(int index, ShardExecutor executor, int inboxLimit, NodeListener listener, PresenceWatchers.Reader reader) {
        this.watchers = new PresenceWatchers(this, reader);
        this.index = index;
        this.executor = executor;
        this.inboxLimit = inboxLimit;
        this.tally = new DeliveryTally(listener);
    }

    /** Where this shard's deliveries are counted (per datagram and batch). Shard thread. */
    DeliveryTally tally() {
        return tally;
    }

    public int index() {
        return index;
    }

    public ShardExecutor executor() {
        return executor;
    }

    /** Tunnels living on this shard; read only on the shard thread. */
    public int tunnelCount() {
        return tunnels.size();
    }

    /**
     * Queues a datagram for routing on this shard; false when the inbox is full, in which case the
     * tunnels here that may have wanted it will be told of a gap. Any thread.
     */
    boolean offer(Datagram d) {
        if (inboxSize.incrementAndGet() > inboxLimit) {
            inboxSize.decrementAndGet();
            lost.record(d.path());
            warnRefused();
            scheduleDrain(); // the running drain may have polled its last datagram already
            return false;
        }
        inbox.add(d);
        scheduleDrain();
        return true;
    }

    /** At most one warning per {@link #WARN_EVERY_NANOS} however long the overload lasts, with the count. */
    private void warnRefused() {
        refused.incrementAndGet();
        long now = System.nanoTime();
        long due = nextWarn.get();
        if (now - due >= 0 && nextWarn.compareAndSet(due, now + WARN_EVERY_NANOS)) {
            log.warn(
                    "shard {} inbox full ({} datagrams): {} datagrams refused, their subscribers here are told of a gap",
                    index,
                    inboxLimit,
                    refused.getAndSet(0));
        }
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            executor.execute(drainTask);
        }
    }

    private void drain() {
        // Cleared before polling: an offer that lands after our last poll schedules a new drain.
        drainScheduled.set(false);
        tally.begin();
        Datagram d;
        int n = 0;
        while (n < MAX_DRAIN && (d = inbox.poll()) != null) {
            n++;
            route(d);
        }
        inboxSize.addAndGet(-n);
        flushDirty();
        if (lost.pending()) {
            reportLost();
        }
        tally.end();
        if (!inbox.isEmpty()) {
            scheduleDrain();
        }
    }

    /** Tells each tunnel interested in a refused datagram's path of the gap, once. */
    private void reportLost() {
        List<Path> paths = lost.take();
        Set<Tunnel> told = Collections.newSetFromMap(new IdentityHashMap<>());
        if (paths == null) {
            told.addAll(tunnels);
        } else {
            for (Path p : paths) {
                interests.match(p, told::add);
            }
        }
        for (Tunnel t : told) {
            t.reportGap();
        }
    }

    private void route(Datagram d) {
        interests.match(d.path(), t -> {
            if (t.deliver(d)) {
                dirty.add(t);
            }
        });
    }

    /** Routes what {@code grant} covers to {@code t}: the only way into the index ({@link AccessGate}). */
    void listen(Tunnel t, AccessGate.SubscribeGrant grant) {
        interests.add(grant.patternFor(t), t);
    }

    void unlisten(Tunnel t, PathPattern p) {
        interests.remove(p, t);
        if (p.kind() == PathPattern.Kind.EXACT) {
            watchers.remove(p.base(), t);
        }
    }

    /**
     * Tells {@code t} who joins and leaves the presence path {@code grant} covers, after the changes its
     * snapshot (version {@code seen}) showed: only with a grant.
     */
    void watch(Tunnel t, AccessGate.SubscribeGrant grant, long seen) {
        watchers.add(grant.patternFor(t).base(), t, seen);
    }

    /** A watcher's first snapshot of {@code path} is being read ({@link PresenceWatchers#expect}). Shard thread. */
    void expectWatch(String path) {
        watchers.expect(path);
    }

    /** The snapshot {@link #expectWatch} announced will not come. Shard thread. */
    void unexpectWatch(String path) {
        watchers.unexpect(path);
    }

    /** Delivers change {@code version} of {@code path} to this shard's watchers. Shard thread. */
    void presence(String path, long version, Datagram d) {
        watchers.deliver(path, version, d);
    }

    /** Change {@code version} of {@code path} was dropped for this shard: its watchers resync. Shard thread. */
    void presenceMissed(String path, long version) {
        watchers.missed(path, version);
    }

    /** Announcements of any path may have been lost: every watcher resyncs. Shard thread. */
    void presenceMissedAll() {
        watchers.missedAll();
    }

    /** Flushes every tunnel the batch touched, once each. */
    private void flushDirty() {
        for (int i = 0; i < dirty.size(); i++) {
            dirty.get(i).flush();
        }
        dirty.clear();
    }

    void add(Tunnel t) {
        t.shardSlot = tunnels.size();
        tunnels.add(t);
    }

    void remove(Tunnel t) {
        int slot = t.shardSlot;
        Tunnel last = tunnels.remove(tunnels.size() - 1);
        if (last != t) {
            tunnels.set(slot, last);
            last.shardSlot = slot;
        }
        t.shardSlot = -1;
    }
}
