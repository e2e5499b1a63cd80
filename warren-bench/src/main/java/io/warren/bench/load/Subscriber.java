package io.warren.bench.load;

import io.netty.channel.Channel;
import java.util.BitSet;

/**
 * One simulated browser: which keys it expects and what it has seen. Lives on its worker's single event
 * loop; survives reconnects (a new channel picks the state up), which is how a resume is checked for
 * missing and duplicate datagrams.
 *
 * <p>Every sequence number seen is kept in a bit set per key, so the counts are exact whatever the
 * order: datagrams published over several connections may be routed in any order between them, and the
 * generator must not mistake that for loss.
 */
final class Subscriber {
    final int index;
    final int firstKey;
    final BitSet[] seen;
    String tunnel;
    String client;
    String lastId;
    Channel channel;
    boolean ready;
    long duplicates;
    long foreign;
    long keepalives;
    boolean resumedFlag;
    boolean gapFlag;

    Subscriber(int index, int firstKey, int keyCount) {
        this.index = index;
        this.firstKey = firstKey;
        this.seen = new BitSet[keyCount];
        for (int i = 0; i < keyCount; i++) {
            seen[i] = new BitSet();
        }
    }

    /** Returns true when the datagram is new (to be timed), false for duplicates and foreign keys. */
    boolean accept(int key, long seq) {
        int slot = key - firstKey;
        if (slot < 0 || slot >= seen.length || seq < 0 || seq > Integer.MAX_VALUE - 1) {
            foreign++; // never asked for: counted against the server as a duplicate
            duplicates++;
            return false;
        }
        BitSet b = seen[slot];
        if (b.get((int) seq)) {
            duplicates++;
            return false;
        }
        b.set((int) seq);
        return true;
    }

    /** Datagrams of {@code published} (count per key, sequence numbers from 0) never received. */
    long missing(long[] published) {
        long m = 0;
        for (int s = 0; s < seen.length; s++) {
            long p = published[firstKey + s];
            m += Math.max(
                    0, p - seen[s].get(0, (int) Math.min(p, Integer.MAX_VALUE)).cardinality());
        }
        return m;
    }
}
