package io.warren.server.ops;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/** Counts the bytes every channel writes to its socket; first in the pipeline, shared by all channels. */
@ChannelHandler.Sharable
public final class ByteCounter extends ChannelOutboundHandlerAdapter {
    private final WarrenMetrics metrics;

    public ByteCounter(WarrenMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf b) {
            metrics.bytesOut(b.readableBytes());
        } else if (msg instanceof ByteBufHolder h) {
            metrics.bytesOut(h.content().readableBytes());
        }
        ctx.write(msg, promise);
    }
}
