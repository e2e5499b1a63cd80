package io.warren.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
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
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.warren.ErrorCode;
import io.warren.WarrenException;
import io.warren.engine.Node;
import io.warren.engine.Tunnel;
import io.warren.format.Format;
import io.warren.format.Mode;
import io.warren.spi.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;

/**
 * A tunnel connection over one HTTP response. Stream formats send a chunked response, one chunk per
 * engine flush; poll formats collect one batch and send it as a whole response, keeping the socket open
 * for the next poll.
 *
 * <p>The engine calls in on the tunnel's shard thread, which is usually this channel's event loop; when
 * it is not (a re-attach accepted on another loop), Netty queues the writes to the channel's loop in
 * order. Each flush hands one pooled buffer to Netty, which then owns and releases it.
 *
 * <p>Why a copy, when the envelope arrays are shared by every tunnel: Netty's epoll and NIO transports
 * copy any heap buffer into a pooled direct one before {@code write(2)}, so wrapping the shared arrays
 * ({@code Unpooled.wrappedBuffer}) saves no copy and adds a wrapper per write (and, for a flush of several
 * envelopes, a composite whose copy goes through a merged heap buffer): measured with JFR allocation
 * samples, 397 bytes allocated per delivery wrapped against 117 copied (docs/architecture.md). Copying
 * the flush's envelopes into one pooled direct buffer is the one copy the socket needs.
 *
 * <p>Buffer ownership: a stream connection's pooled buffer lives only within one engine task (written,
 * then flushed or ended in the same task). A poll may be held across tasks and abandoned when its
 * socket closes, so it collects the shared byte arrays and allocates its pooled buffer only to send.
 *
 * <p>Once ended (or {@linkplain #markEnded() marked ended} because the open was refused) every call is
 * ignored: nothing may follow the last chunk or the one poll response.
 */
public final class HttpTunnelConnection implements Connection {
    private final Channel channel;
    private final Format format;
    private final String callback;
    private final HttpVersion version;
    private final boolean keepAlive;
    private ByteBuf pending; // stream mode
    private boolean framed; // stream mode: chunks framed here (StreamResponseEncoder), not by Netty's encoder
    private List<byte[]> parts; // poll mode
    private int partsLength;
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

    /**
     * What an open or attach of this connection comes to, for {@code whenComplete}: on success the connection
     * is attached (and detached at once when the socket closed meanwhile); on failure it is marked ended and
     * the request answered with the error, or {@code overloaded} with {@code what} for an unexpected one.
     */
    BiConsumer<Tunnel, Throwable> settle(ChannelHandlerContext ctx, Node node, String what) {
        return (t, e) -> {
            if (e != null) {
                markEnded();
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                if (cause instanceof WarrenException w) {
                    Responses.error(ctx, version, keepAlive, w);
                } else {
                    Responses.error(ctx, version, false, ErrorCode.OVERLOADED, what);
                }
                return;
            }
            attached(t);
            if (!ctx.channel().isActive()) {
                node.detach(t, this);
            }
        };
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
        if (ended) {
            return;
        }
        if (format.mode() == Mode.STREAM) {
            // This response is the connection's last: what only serves further requests goes first.
            framed = RequestHandlers.streamStarting(channel);
            HttpResponse response = new DefaultHttpResponse(version, HttpResponseStatus.OK);
            headers(response);
            HttpUtil.setTransferEncodingChunked(response, true);
            channel.write(response);
            if (framed) {
                RequestHandlers.headWritten(channel);
            }
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
        if (ended || bytes.length == 0) {
            return;
        }
        if (format.mode() == Mode.POLL) {
            if (parts == null) {
                parts = new ArrayList<>(8);
            }
            parts.add(bytes);
            partsLength += bytes.length;
            return;
        }
        if (pending == null) {
            pending = framed
                    ? StreamResponseEncoder.allocate(channel.alloc(), bytes.length)
                    : channel.alloc().directBuffer(Math.max(256, bytes.length));
        }
        pending.writeBytes(bytes);
    }

    @Override
    public void flush() {
        if (!ended && format.mode() == Mode.STREAM && pending != null) {
            ByteBuf b = pending;
            pending = null;
            channel.writeAndFlush(chunk(b), channel.voidPromise());
        }
    }

    private Object chunk(ByteBuf b) {
        return framed ? StreamResponseEncoder.framed(b) : new DefaultHttpContent(b);
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
        if (ended) {
            return; // idempotent: the response is complete, or was never started (a refused open)
        }
        write(footer);
        ended = true;
        ByteBuf b = pending;
        pending = null;
        if (format.mode() == Mode.STREAM) {
            ChannelFuture last;
            if (framed) {
                if (b != null) {
                    channel.write(chunk(b), channel.voidPromise());
                }
                last = channel.writeAndFlush(new DefaultLastHttpContent());
            } else {
                last = channel.writeAndFlush(b == null ? new DefaultLastHttpContent() : new DefaultLastHttpContent(b));
            }
            if (channel instanceof Http2StreamChannel && !channel.isWritable()) {
                // A stalled HTTP/2 stream takes nothing more until its reader opens its window: reset it
                // now, which frees its slot and its buffered bytes (the client reconnects and resumes).
                channel.close();
            } else {
                last.addListener(ChannelFutureListener.CLOSE);
            }
        } else {
            ByteBuf body = channel.alloc().directBuffer(partsLength);
            if (parts != null) {
                for (byte[] part : parts) {
                    body.writeBytes(part);
                }
                parts = null;
            }
            FullHttpResponse response = new DefaultFullHttpResponse(version, HttpResponseStatus.OK, body);
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
