package io.warren.api;

import io.warren.datagram.Datagram;
import io.warren.format.Format;
import io.warren.path.PathPattern;
import java.util.List;

/**
 * Observes a node, for metrics and embedding applications. Called on shard threads or publishing
 * threads, possibly concurrently: implementations must be thread-safe and fast (count, don't block).
 * Every method has a no-op default so the interface can grow.
 */
public interface NodeListener {
    NodeListener NONE = new NodeListener() {};

    /**
     * {@code d} was written to the connections of {@code tunnels} tunnels. Aggregated: one call per
     * datagram and shard batch (a broadcast to a thousand tunnels on two shards is two calls), so count
     * {@code tunnels} and sample per-datagram figures (such as latency) once per call. Writes outside a
     * batch (a replay on attach, a poll answer) come one tunnel per call. Shard thread.
     */
    default void delivered(Datagram d, int tunnels) {}

    /** A datagram was accepted for publishing. */
    default void published(Datagram d) {}

    /** A stream re-attach resumed without loss (ordinary polls are not counted). */
    default void replayHit() {}

    /** A re-attach (or poll) found that datagrams were lost. */
    default void gap() {}

    /** A connection was closed because its client could not keep up. */
    default void slowConsumer() {}

    /**
     * A presence change ({@code /meta/presence}) was dropped for one shard whose presence queue was full; its
     * watchers of that path are brought back in sync with a fresh member list. Any thread.
     */
    default void presenceDropped() {}

    /** A tunnel was opened (fresh or as a replacement). */
    default void tunnelOpened(TunnelView tunnel) {}

    /** A tunnel was culled or closed for good. */
    default void tunnelClosed(TunnelView tunnel) {}

    /**
     * A connection in {@code format} was attached to {@code tunnel} (a stream opened, or a poll began
     * waiting). Shard thread of the tunnel. Paired with exactly one {@link #detached}.
     */
    default void attached(TunnelView tunnel, Format format) {}

    /** The connection attached with {@link #attached} ended or went away. Shard thread of the tunnel. */
    default void detached(TunnelView tunnel, Format format) {}

    /** {@code tunnel} registered interest in {@code pattern} (at open or with {@code /meta/subscribe}). Shard thread. */
    default void subscribed(TunnelView tunnel, PathPattern pattern) {}

    /** {@code tunnel} dropped its interest in {@code pattern} (unsubscribe or cull). Shard thread. */
    default void unsubscribed(TunnelView tunnel, PathPattern pattern) {}

    /**
     * A tunnel opened, changed its interests or ended, as its application sees it ({@link TunnelEvent}: a
     * takeover by another node is no event). Shard thread of the tunnel, in the order things happened to
     * it; enqueue and return (lifecycle hooks send from their own thread).
     */
    default void tunnelEvent(TunnelEvent event) {}

    /** Every listener of {@code listeners}, in order; each call goes to all of them. */
    static NodeListener all(List<NodeListener> listeners) {
        List<NodeListener> ls =
                listeners.stream().filter(l -> l != null && l != NONE).toList();
        if (ls.isEmpty()) {
            return NONE;
        }
        if (ls.size() == 1) {
            return ls.get(0);
        }
        NodeListener[] a = ls.toArray(new NodeListener[0]);
        return new NodeListener() {
            @Override
            public void delivered(Datagram d, int tunnels) {
                for (NodeListener l : a) l.delivered(d, tunnels);
            }

            @Override
            public void published(Datagram d) {
                for (NodeListener l : a) l.published(d);
            }

            @Override
            public void replayHit() {
                for (NodeListener l : a) l.replayHit();
            }

            @Override
            public void gap() {
                for (NodeListener l : a) l.gap();
            }

            @Override
            public void slowConsumer() {
                for (NodeListener l : a) l.slowConsumer();
            }

            @Override
            public void presenceDropped() {
                for (NodeListener l : a) l.presenceDropped();
            }

            @Override
            public void tunnelOpened(TunnelView t) {
                for (NodeListener l : a) l.tunnelOpened(t);
            }

            @Override
            public void tunnelClosed(TunnelView t) {
                for (NodeListener l : a) l.tunnelClosed(t);
            }

            @Override
            public void attached(TunnelView t, Format f) {
                for (NodeListener l : a) l.attached(t, f);
            }

            @Override
            public void detached(TunnelView t, Format f) {
                for (NodeListener l : a) l.detached(t, f);
            }

            @Override
            public void subscribed(TunnelView t, PathPattern p) {
                for (NodeListener l : a) l.subscribed(t, p);
            }

            @Override
            public void unsubscribed(TunnelView t, PathPattern p) {
                for (NodeListener l : a) l.unsubscribed(t, p);
            }

            @Override
            public void tunnelEvent(TunnelEvent e) {
                for (NodeListener l : a) l.tunnelEvent(e);
            }
        };
    }
}
