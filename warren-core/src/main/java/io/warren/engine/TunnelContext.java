package io.warren.engine;

import io.warren.api.NodeListener;
import io.warren.format.Format;

/**
 * What a {@link Tunnel} needs from its node, and nothing more: the clock, the listener and the few
 * settings it reads. Settings are read on each call, so a reload applies from the next use.
 *
 * <p>Threading: called on the tunnel's shard thread; implementations must be safe to call from every
 * shard at once (they only read).
 */
interface TunnelContext {

    /** The node's nanosecond clock (a manual one in tests). */
    long nanoTime();

    /** Where the tunnel reports attaches, deliveries, gaps and slow consumers. */
    NodeListener listener();

    /**
     * The keepalive announced in {@code /meta/open} of a connection in format {@code f}, in
     * milliseconds: the longest the server stays silent on it, so the format's keepalive interval for a
     * stream and its poll timeout for a poll (clients derive their dead-connection timer from it).
     */
    long keepaliveMillis(Format f);

    /** After how long idle a stream connection in format {@code f} gets a keepalive, in nanoseconds. */
    long keepaliveNanos(Format f);

    /** How long a poll in format {@code f} is held when there is nothing to answer, in nanoseconds. */
    long pollTimeoutNanos(Format f);

    /** How many datagrams a tunnel holds while history requests are in flight (the replay size). */
    int heldLimit();
}
