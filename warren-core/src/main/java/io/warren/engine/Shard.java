package io.warren.engine;

import io.warren.datagram.Datagram;
import io.warren.path.PathPattern;
import io.warren.routing.InterestIndex;

import java.util.ArrayList;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A set of tunnels owned by one thread (a Netty event loop in the server), with their interest index.
 * Everything here except {@link #offer} runs on that thread, so tunnels and the index need no locks.
 *
 * <p>Fan-out: publishers {@link #offer} datagrams into a bounded inbox; one drain task per burst routes
 * every waiting datagram to its local tunnels and then flushes each touched tunnel once, so a burst of
 * datagrams costs one task and one write per tunnel, not one per datagram and subscriber.
 */
public final class Shard {
    private static final int MAX_DRAIN = 4096;

    private final int index;
    private final ShardExecutor executor;
    private final int inboxLimit;
    private final InterestIndex<Tunnel> interests = new InterestIndex<>(); // written only through a grant
    final ArrayList<Tunnel> tunnels = new ArrayList<>();
    private final ArrayList<Tunnel> dirty = new ArrayList<>();
    private final ConcurrentLinkedQueue<Datagram> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inboxSize = new AtomicInteger();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drain;

    Shard(int index, ShardExecutor executor, int inboxLimit) {
        this.index = index;
        this.executor = executor;
        this.inboxLimit = inboxLimit;
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

    /** Queues a datagram for routing on this shard; false when the inbox is full. Any thread. */
    boolean offer(Datagram d) {
        if (inboxSize.incrementAndGet() > inboxLimit) {
            inboxSize.decrementAndGet();
            return false;
        }
        inbox.add(d);
        if (drainScheduled.compareAndSet(false, true)) {
            executor.execute(drainTask);
        }
        return true;
    }

    private void drain() {
        // Cleared before polling: an offer that lands after our last poll schedules a new drain.
        drainScheduled.set(false);
        Datagram d;
        int n = 0;
        while (n < MAX_DRAIN && (d = inbox.poll()) != null) {
            n++;
            route(d);
        }
        inboxSize.addAndGet(-n);
        flushDirty();
        if (!inbox.isEmpty() && drainScheduled.compareAndSet(false, true)) {
            executor.execute(drainTask);
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
