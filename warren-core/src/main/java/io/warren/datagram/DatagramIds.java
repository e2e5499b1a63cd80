package io.warren.datagram;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes datagram ids unique for the life of a server and, by construction, across nodes: each
 * generator draws a random 60-bit node tag at start and appends a counter, so two nodes (or two runs of
 * one node) collide only if their tags do (about 1 in 10^18 per pair). Ids are short URL-safe text,
 * such as {@code k3x9q0fz8w1ab-1c}; within one generator they grow with the counter.
 *
 * <p>Thread-safe and lock-free.
 */
public final class DatagramIds {
    private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuv".toCharArray();

    private final String tag;
    private final AtomicLong counter = new AtomicLong();

    public DatagramIds() {
        this(new SecureRandom().nextLong() >>> 4);
    }

    /** A generator with a given node tag (60 bits used); for tests and for nodes with an assigned id. */
    public DatagramIds(long nodeTag) {
        char[] t = new char[12];
        long v = nodeTag;
        for (int i = t.length - 1; i >= 0; i--) {
            t[i] = ALPHABET[(int) (v & 31)];
            v >>>= 5;
        }
        this.tag = new String(t) + "-";
    }

    public String next() {
        return tag + Long.toString(counter.incrementAndGet(), 36);
    }

    /** The node tag every id of this generator starts with. */
    public String tag() {
        return tag.substring(0, tag.length() - 1);
    }
}
