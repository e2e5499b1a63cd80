package io.warren.engine;

import io.warren.datagram.Datagram;
import io.warren.format.Format;
import io.warren.spi.Connection;
import io.warren.spi.ShardExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A poll connection (long-poll, JSONP): answered once, with the owed {@code /meta/open} and everything
 * the client has not acknowledged, as soon as there is something, or empty after the poll timeout; the
 * answer detaches it. Datagrams stay buffered until the client acknowledges them with {@code last}.
 */
final class PollDelivery implements Delivery {
    private final Tunnel tunnel;
    private final Connection c;
    private final ReplayBuffer replay;
    private final TunnelContext ctx;
    private final ShardExecutor executor;
    private @Nullable Datagram pendingOpen; // the open datagram owed to the answer
    private ShardExecutor.@Nullable Cancellable timer;

    PollDelivery(Tunnel tunnel, Connection c, ReplayBuffer replay, TunnelContext ctx, ShardExecutor executor) {
        this.tunnel = tunnel;
        this.c = c;
        this.replay = replay;
        this.ctx = ctx;
        this.executor = executor;
    }

    @Override
    public Connection connection() {
        return c;
    }

    @Override
    public void start(Datagram open, boolean announce, long cursor) {
        // The open datagram comes with the first answer of a tunnel, and after a replacement or a gap;
        // an ordinary poll is not a resume.
        if (announce) {
            pendingOpen = open;
        }
        tunnel.acknowledgedThrough(cursor);
        if (hasAnswer()) {
            answer();
        } else {
            timer = executor.schedule(
                    () -> {
                        timer = null;
                        if (tunnel.delivery() == this) {
                            answer();
                        }
                    },
                    ctx.pollTimeoutNanos(c.format()),
                    TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void resumed() {
        // Every poll re-attaches: not a resume worth counting.
    }

    @Override
    public void beforeAppend(Datagram d) {
        // Nothing is written before the answer; the buffer's bounds apply as for a detached tunnel.
    }

    @Override
    public void flush() {
        if (hasAnswer()) {
            answer();
        }
    }

    @Override
    public void writable() {}

    private boolean hasAnswer() {
        return replay.nextSeq() - 1 > tunnel.ackedSeq() || pendingOpen != null;
    }

    /** Answers with the owed open datagram and everything unacknowledged, then detaches. */
    private void answer() {
        cancel();
        Format f = c.format();
        boolean first = true;
        if (pendingOpen != null) {
            c.write(f.envelope(pendingOpen));
            pendingOpen = null;
            first = false;
        }
        for (long s = Math.max(tunnel.ackedSeq() + 1, replay.firstSeq()); s < replay.nextSeq(); s++) {
            if (!first) {
                c.write(f.separator());
            }
            first = false;
            Datagram d = replay.get(s);
            c.write(f.envelope(d));
            tunnel.shard().tally().count(d);
        }
        tunnel.answered(this, "poll");
    }

    @Override
    public void gap(Datagram notice) {
        pendingOpen = notice;
        answer();
    }

    @Override
    public void keepalive(long now) {
        // A held poll is answered by its timeout instead.
    }

    @Override
    public void cancel() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    @Override
    public void closing(Datagram close, boolean always) {
        if (always) {
            c.write(c.format().envelope(close));
        }
    }
}
