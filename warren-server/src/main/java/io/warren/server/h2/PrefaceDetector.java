package io.warren.server.h2;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The plain port's first bytes decide: the HTTP/2 connection preface is h2c with prior knowledge, anything
 * else is HTTP/1.1 (no request line starts with {@code PRI *}, so one differing byte settles it). Hands the
 * bytes read so far to the chosen protocol and leaves the pipeline. A connection that sends nothing within
 * {@code idle} is closed, as an idle HTTP/1.1 connection would be.
 */
public final class PrefaceDetector extends ByteToMessageDecoder {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ProtocolChoice choice;
    private final long idleNanos;
    private Future<?> timer;

    public PrefaceDetector(ProtocolChoice choice, Duration idle) {
        this.choice = choice;
        this.idleNanos = idle.toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timer = ctx.executor().schedule(() -> ctx.close(), idleNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        timer.cancel(false);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int n = Math.min(in.readableBytes(), PREFACE.length);
        for (int i = 0; i < n; i++) {
            if (in.getByte(in.readerIndex() + i) != PREFACE[i]) {
                choose(ctx, choice.http1());
                return;
            }
        }
        if (n == PREFACE.length) {
            choose(ctx, choice.http2());
        }
    }

    private void choose(ChannelHandlerContext ctx, ProtocolChoice.Installer protocol) {
        protocol.install(ctx.pipeline());
        // Removal passes the bytes read so far on to the handlers just installed.
        ctx.pipeline().remove(this);
    }
}
