package io.warren.engine;

import io.warren.datagram.Datagram;
import io.warren.format.Format;
import io.warren.spi.Connection;

/**
 * A stream connection (SSE, ndjson, iframe, WebSocket): writes everything after its cursor while the
 * socket takes bytes. When the replay buffer would evict a datagram not yet written, the consumer is
 * too slow to keep: the connection ends with reason {@code slow} (the client re-attaches and learns of
 * the gap) rather than letting memory grow.
 */
final class StreamDelivery implements Delivery {
    private final Tunnel tunnel;
    private final Connection c;
    private final ReplayBuffer replay;
    private final TunnelContext ctx;
    private long sentSeq; // last seq written to the connection
    private long lastWriteNanos;

    StreamDelivery(Tunnel tunnel, Connection c, ReplayBuffer replay, TunnelContext ctx) {
        this.tunnel = tunnel;
        this.c = c;
        this.replay = replay;
        this.ctx = ctx;
    }

    @Override
    public Connection connection() {
        return c;
    }

    @Override
    public void start(Datagram open, boolean announce, long cursor) {
        c.write(c.format().envelope(open));
        sentSeq = cursor;
        writePending();
        lastWriteNanos = ctx.nanoTime();
        c.flush();
    }

    @Override
    public void resumed() {
        ctx.listener().replayHit();
    }

    @Override
    public void beforeAppend(Datagram d) {
        if (replay.wouldEvict(d) && replay.firstSeq() > sentSeq) {
            // The oldest buffered datagram has not been written yet: write now if the socket takes it,
            // otherwise the consumer is too slow to keep.
            if (c.isWritable()) {
                writePending();
            } else {
                ctx.listener().slowConsumer();
                tunnel.endConnection("slow", true);
            }
        }
    }

    @Override
    public void flush() {
        if (writePending()) {
            c.flush();
        }
    }

    @Override
    public void writable() {
        flush();
    }

    /** Writes unsent datagrams while the socket takes them; true when anything was written. */
    private boolean writePending() {
        long last = replay.nextSeq() - 1;
        if (sentSeq >= last) {
            return false;
        }
        Format f = c.format();
        DeliveryTally tally = tunnel.shard().tally();
        boolean wrote = false;
        while (sentSeq < last && c.isWritable()) {
            Datagram d = replay.get(++sentSeq);
            c.write(f.envelope(d));
            tally.count(d);
            wrote = true;
        }
        if (wrote) {
            lastWriteNanos = ctx.nanoTime();
        }
        return wrote;
    }

    @Override
    public void gap(Datagram notice) {
        c.write(c.format().envelope(notice));
        lastWriteNanos = ctx.nanoTime();
        c.flush();
    }

    @Override
    public void keepalive(long now) {
        if (now - lastWriteNanos >= ctx.keepaliveNanos(c.format()) && c.isWritable()) {
            c.write(c.format().keepalive());
            c.flush();
            lastWriteNanos = now;
        }
    }

    @Override
    public void cancel() {}

    @Override
    public void closing(Datagram close, boolean always) {
        c.write(c.format().envelope(close));
    }
}
