package io.warren.engine;

import io.warren.api.NodeListener;

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

    /** The keepalive interval announced in {@code /meta/open}, in milliseconds. */
    long keepaliveMillis();

    /** How long a poll is held when there is nothing to answer, in nanoseconds. */
    long pollTimeoutNanos();

    /** How many datagrams a tunnel holds while history requests are in flight (the replay size). */
    int heldLimit();
}
