package io.warren.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts what one SSE tunnel receives, for the in-process clients: its {@code /meta/open} once (into
 * {@code opened}), then every datagram (an {@code id:} line; control datagrams carry none) into
 * {@code deliveries}. The bytes may be split anywhere between chunks. One instance per tunnel.
 */
final class SseCounter extends SimpleChannelInboundHandler<HttpObject> {
    private final AtomicLong opened;
    private final AtomicLong deliveries;
    private boolean open;
    private byte before = '\n';
    private byte last = '\n';

    SseCounter(AtomicLong opened, AtomicLong deliveries) {
        this.opened = opened;
        this.deliveries = deliveries;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
        if (!(msg instanceof HttpContent c)) {
            return;
        }
        ByteBuf b = c.content();
        if (!open && b.toString(StandardCharsets.UTF_8).contains("/meta/open")) {
            open = true;
            opened.incrementAndGet();
        }
        for (int i = b.readerIndex(); i < b.writerIndex(); i++) {
            byte x = b.getByte(i);
            if (before == '\n' && last == 'i' && x == 'd') {
                deliveries.incrementAndGet();
            }
            before = last;
            last = x;
        }
    }
}
