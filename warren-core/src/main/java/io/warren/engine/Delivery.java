package io.warren.engine;

import io.warren.datagram.Datagram;
import io.warren.format.Mode;
import io.warren.spi.Connection;
import io.warren.spi.ShardExecutor;

/**
 * How an attached connection is fed, chosen once at attach from its format's mode: {@link StreamDelivery}
 * writes each datagram as it comes and keeps the connection open; {@link PollDelivery} answers once with
 * everything unacknowledged and detaches. One instance per attach; the tunnel drops it when the
 * connection ends, so a stale instance is never called again.
 *
 * <p>Threading: confined to the tunnel's shard thread. The tunnel owns the replay buffer and the
 * acknowledged cursor; a delivery reads them and owns only its connection's progress.
 */
interface Delivery {

    /** The one place a connection's mode picks its delivery. */
    static Delivery of(Tunnel tunnel, Connection c, ReplayBuffer replay, TunnelContext ctx, ShardExecutor executor) {
        return c.format().mode() == Mode.STREAM
                ? new StreamDelivery(tunnel, c, replay, ctx)
                : new PollDelivery(tunnel, c, replay, ctx, executor);
    }

    Connection connection();

    /**
     * Starts after the header: {@code open} is the tunnel's {@code /meta/open}; {@code announce} says the
     * client must be told it (fresh tunnel, gap, replacement; a stream always tells it); {@code cursor} is
     * the last sequence the client has.
     */
    void start(Datagram open, boolean announce, long cursor);

    /** The client came back to a tunnel it had (not a fresh one) and no gap: counted for streams only. */
    void resumed();

    /** {@code d} is about to enter the replay buffer (which may evict to take it). */
    void beforeAppend(Datagram d);

    /** End of a shard batch: send what the client lacks. */
    void flush();

    /** The socket takes bytes again. */
    void writable();

    /** The client must learn of a gap now: {@code notice} is the gap's {@code /meta/open}. */
    void gap(Datagram notice);

    /** A sweep: an idle connection may need a keepalive. */
    void keepalive(long now);

    /** The connection is ending; cancels timers. */
    void cancel();

    /** Writes {@code close} if this kind of connection is told why it ends ({@code always}: even a poll). */
    void closing(Datagram close, boolean always);
}
