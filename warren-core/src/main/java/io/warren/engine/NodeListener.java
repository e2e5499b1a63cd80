package io.warren.engine;

import io.warren.datagram.Datagram;

/**
 * Observes a node, for metrics and embedding applications. Called on shard threads or publishing
 * threads, possibly concurrently: implementations must be thread-safe and fast (count, don't block).
 * Every method has a no-op default so the interface can grow.
 */
public interface NodeListener {
    NodeListener NONE = new NodeListener() { };

    /** A datagram was written to one tunnel's connection. */
    default void delivered(Datagram d) {
    }

    /** A datagram was accepted for publishing. */
    default void published(Datagram d) {
    }

    /** A re-attach resumed without loss. */
    default void replayHit() {
    }

    /** A re-attach (or poll) found that datagrams were lost. */
    default void gap() {
    }

    /** A connection was closed because its client could not keep up. */
    default void slowConsumer() {
    }

    /** A tunnel was opened (fresh or as a replacement). */
    default void tunnelOpened(Tunnel tunnel) {
    }

    /** A tunnel was culled or closed for good. */
    default void tunnelClosed(Tunnel tunnel) {
    }
}
