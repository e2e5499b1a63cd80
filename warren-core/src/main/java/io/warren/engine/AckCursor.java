package io.warren.engine;

import org.jspecify.annotations.Nullable;

/**
 * How far the client has confirmed receipt: the last sequence it acknowledged with {@code last}, and that
 * datagram's id (so a repeated {@code last} is no gap even after the buffer dropped it). Resolves where
 * an attach starts and whether the client may have missed something. Shard thread.
 */
final class AckCursor {
    private long seq;
    private @Nullable String id;

    /** Where an attach starts: the last sequence the client has, and whether it may have missed some. */
    record Start(long cursor, boolean gap) {}

    /**
     * Resolves an attach with {@code last} (or null: from the acknowledged point) against {@code replay},
     * acknowledging (and trimming) through {@code last} when the buffer still holds it.
     */
    Start attach(String last, ReplayBuffer replay) {
        boolean gap = false;
        long cursor;
        if (last != null) {
            long s = replay.seqOf(last);
            if (s >= 0) {
                acknowledge(s, last, replay);
                cursor = s;
            } else if (last.equals(id)) {
                cursor = seq;
            } else {
                gap = true;
                cursor = replay.firstSeq() - 1;
            }
        } else {
            cursor = seq;
        }
        if (replay.firstSeq() - 1 > cursor) {
            return new Start(replay.firstSeq() - 1, true);
        }
        return new Start(cursor, gap);
    }

    private void acknowledge(long s, String datagramId, ReplayBuffer replay) {
        if (s > seq) {
            seq = s;
            id = datagramId;
        }
        replay.trimThrough(s);
    }

    /** The client has everything through {@code s} (a poll was answered up to there); no id to remember. */
    void advance(long s) {
        seq = Math.max(seq, s);
    }

    /** Starts over at {@code s}, forgetting the id (the buffer was rebuilt). */
    void reset(long s) {
        seq = s;
        id = null;
    }

    long seq() {
        return seq;
    }
}
