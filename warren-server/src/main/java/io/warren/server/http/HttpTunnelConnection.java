package io.warren.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.warren.engine.Tunnel;
import io.warren.format.Format;
import io.warren.format.Mode;
import io.warren.spi.Connection;
import java.util.ArrayList;
import java.util.List;

/**
 * A tunnel connection over one HTTP response. Stream formats send a chunked response, one chunk per
 * engine flush; poll formats collect one batch and send it as a whole response, keeping the socket open
 * for the next poll.
 *
 * <p>The engine calls in on the tunnel's shard thread, which is usually this channel's event loop; when
 * it is not (a re-attach accepted on another loop), Netty queues the writes to the channel's loop in
 * order.
 *
 * <p>No copy here: the envelopes the engine writes are the arrays shared by every tunnel (one per
 * datagram and format). They are collected until the flush (stream) or the answer (poll) and handed to
 * Netty wrapped ({@link Unpooled#wrappedBuffer}: one chunk per flush, a composite when it holds several);
 * nobody writes into them. The wrappers own no memory, so an abandoned poll leaks nothing.
 */
public final class HttpTunnelConnection implements Connection {
    private final Channel channel;
    private final Format format;
    private final String callback;
    private final HttpVersion version;
    private final boolean keepAlive;
    private final List<byte[]> parts = new ArrayList<>(4); // written since the last flush; engine's thread
    private volatile Tunnel tunnel;
    private volatile boolean ended;

    HttpTunnelConnection(Channel channel, Format format, String callback, HttpVersion version, boolean keepAlive) {
        this.channel = channel;
        this.format = format;
        this.callback = callback;
        this.version = version;
        this.keepAlive = keepAlive;
    }

    void attached(Tunnel t) {
        this.tunnel = t;
    }

    Tunnel tunnel() {
        return tunnel;
    }

    /** Whether the response is complete (or was never started because the open was refused). */
    boolean isEnded() {
        return ended;
    }

    void markEnded() {
        ended = true;
    }

    @Override
    public Format format() {
        return format;
    }

    @Override
    public String callback() {
        return callback;
    }

    @Override
    public void open(byte[] header) {
        if (format.mode() == Mode.STREAM) {
            HttpResponse response = new DefaultHttpResponse(version, HttpResponseStatus.OK);
            headers(response);
            HttpUtil.setTransferEncodingChunked(response, true);
            channel.write(response);
        }
        write(header);
    }

    private void headers(HttpResponse response) {
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, format.contentType())
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache, no-store, must-revalidate")
                .set("X-Content-Type-Options", "nosniff")
                .set("X-Accel-Buffering", "no");
    }

    @Override
    public void write(byte[] bytes) {
        if (bytes.length > 0) {
            parts.add(bytes);
        }
    }

    /** What was written since the last flush, wrapped without copying; an empty buffer when nothing. */
    private ByteBuf takeParts() {
        ByteBuf b = switch (parts.size()) {
            case 0 -> Unpooled.EMPTY_BUFFER;
            case 1 -> Unpooled.wrappedBuffer(parts.get(0));
            default -> Unpooled.wrappedBuffer(parts.toArray(new byte[0][]));
        };
        parts.clear();
        return b;
    }

    @Override
    public void flush() {
        if (format.mode() == Mode.STREAM && !parts.isEmpty()) {
            channel.writeAndFlush(new DefaultHttpContent(takeParts()), channel.voidPromise());
        }
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public boolean isActive() {
        return channel.isActive();
    }

    @Override
    public void end(byte[] footer, String reason) {
        write(footer);
        ended = true;
        if (format.mode() == Mode.STREAM) {
            ByteBuf b = takeParts();
            channel.writeAndFlush(b.isReadable() ? new DefaultLastHttpContent(b) : new DefaultLastHttpContent())
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            FullHttpResponse response = new DefaultFullHttpResponse(version, HttpResponseStatus.OK, takeParts());
            headers(response);
            HttpUtil.setContentLength(response, response.content().readableBytes());
            if (keepAlive) {
                if (version.equals(HttpVersion.HTTP_1_0)) {
                    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                }
                channel.writeAndFlush(response, channel.voidPromise());
            } else {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                channel.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
