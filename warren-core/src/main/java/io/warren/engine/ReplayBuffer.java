package io.warren.engine;

import io.warren.datagram.Datagram;

/**
 * The datagrams a tunnel received most recently, numbered by a per-tunnel sequence (1, 2, ...), bounded
 * by count and by bytes ({@link Datagram#weight()}). Holds no array until the first datagram, so an
 * idle tunnel costs nothing here. Confined to the tunnel's shard thread.
 */
final class ReplayBuffer {
    private final int maxCount;
    private final long maxBytes;
    private Datagram[] ring = EMPTY;
    private int head; // index of the oldest entry
    private int size;
    private long firstSeq = 1; // seq of the oldest entry (or of the next one when empty)
    private long bytes;

    private static final Datagram[] EMPTY = new Datagram[0];

    ReplayBuffer(int maxCount, long maxBytes) {
        this.maxCount = Math.max(1, maxCount);
        this.maxBytes = Math.max(1, maxBytes);
    }

    /** Seq of the oldest retained datagram; equals {@link #nextSeq()} when empty. */
    long firstSeq() {
        return firstSeq;
    }

    /** Seq the next appended datagram gets. */
    long nextSeq() {
        return firstSeq + size;
    }

    int size() {
        return size;
    }

    long bytes() {
        return bytes;
    }

    /** Slots allocated (0 while empty: idle tunnels hold no array). */
    int capacity() {
        return ring.length;
    }

    /** Whether appending {@code d} would evict the oldest entry. */
    boolean wouldEvict(Datagram d) {
        return size > 0 && (size == maxCount || bytes + d.weight() > maxBytes);
    }

    /** Appends, evicting the oldest entries as needed; returns the new entry's seq. */
    long append(Datagram d) {
        while (wouldEvict(d)) {
            evictOldest();
        }
        if (size == ring.length) {
            grow();
        }
        ring[(head + size) & (ring.length - 1)] = d;
        size++;
        bytes += d.weight();
        return firstSeq + size - 1;
    }

    private void grow() {
        int cap = ring.length == 0 ? 4 : ring.length * 2;
        Datagram[] n = new Datagram[cap];
        for (int i = 0; i < size; i++) {
            n[i] = ring[(head + i) & (ring.length - 1)];
        }
        ring = n;
        head = 0;
    }

    private void evictOldest() {
        Datagram d = ring[head];
        ring[head] = null;
        head = (head + 1) & (ring.length - 1);
        size--;
        firstSeq++;
        bytes -= d.weight();
        if (size == 0) {
            release();
        }
    }

    /** The datagram with sequence {@code seq}; must lie in [firstSeq, nextSeq). */
    Datagram get(long seq) {
        return ring[(int) (head + (seq - firstSeq)) & (ring.length - 1)];
    }

    /** Seq of the retained datagram with this id, or -1. Searches newest first. */
    long seqOf(String id) {
        for (long s = nextSeq() - 1; s >= firstSeq; s--) {
            if (id.equals(get(s).id())) {
                return s;
            }
        }
        return -1;
    }

    /** Drops every entry with seq at most {@code seq} (the client has them). */
    void trimThrough(long seq) {
        while (size > 0 && firstSeq <= seq) {
            evictOldest();
        }
        if (size == 0 && firstSeq <= seq) {
            firstSeq = seq + 1;
        }
    }

    /** Frees the array of an empty buffer, so that idle tunnels hold nothing. */
    /** The ids of the retained datagrams. */
    java.util.Set<String> ids() {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (long s = firstSeq; s < nextSeq(); s++) {
            ids.add(get(s).id());
        }
        return ids;
    }

    /**
     * Puts {@code before} ahead of what is retained, dropping ids seen twice (first one wins), numbered
     * after everything appended so far. Returns the seq just before the first of them.
     */
    long rebuildWith(java.util.List<Datagram> before) {
        java.util.List<Datagram> retained = new java.util.ArrayList<>(size);
        for (long s = firstSeq; s < nextSeq(); s++) {
            retained.add(get(s));
        }
        trimThrough(nextSeq() - 1);
        long base = firstSeq - 1;
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Datagram d : before) {
            if (seen.add(d.id())) {
                append(d);
            }
        }
        for (Datagram d : retained) {
            if (seen.add(d.id())) {
                append(d);
            }
        }
        return base;
    }

    private void release() {
        ring = EMPTY;
        head = 0;
    }
}
