package io.warren.server.h2;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * HTTP/2 on a connection: one child channel per stream, each running the HTTP/1 request handlers behind
 * a frame-to-HTTP-object codec, so every endpoint and every format works unchanged and each tunnel is
 * one stream. The codec maps responses to HEADERS and DATA frames and drops the HTTP/1-only headers
 * (Connection, Keep-Alive, Transfer-Encoding).
 *
 * <p>Flow control: a stream channel is writable while the bytes it has handed on and that are not yet
 * on the socket (waiting for the stream's window, or for the socket) stay below its high water mark. A
 * tunnel writes only while its channel is writable, so a stream whose reader stopped holds its datagrams
 * in the tunnel's bounded replay buffer, is closed {@code slow} when they would be evicted, and stalls
 * no other stream.
 *
 * <p>A connection with no open stream for {@code idle} is closed (GOAWAY), as an idle HTTP/1.1
 * connection would be.
 */
public final class Http2Streams {
    /** Concurrent streams per connection (tunnels and requests of every tab of one browser). */
    public static final int MAX_STREAMS = 256;

    private final Consumer<Http2StreamChannel> stack;
    private final long maxHeaderSize;
    private final long idleNanos;

    /**
     * @param stack         installs the request handlers on a new stream (after the HTTP codec)
     * @param maxHeaderSize largest header list accepted
     * @param idle          how long a connection without streams stays open
     */
    public Http2Streams(Consumer<Http2StreamChannel> stack, long maxHeaderSize, Duration idle) {
        this.stack = stack;
        this.maxHeaderSize = maxHeaderSize;
        this.idleNanos = idle.toNanos();
    }

    /** The connection's HTTP/2 handlers; the client's preface is the next thing they read. */
    public void install(ChannelPipeline p) {
        StreamCount count = new StreamCount(idleNanos);
        p.addLast("h2", frameCodec());
        p.addLast("h2-idle", count);
        p.addLast("h2-streams", multiplex(count));
    }

    /**
     * For an HTTP/1.1 connection: answers {@code Upgrade: h2c} (RFC 7540 3.2, as the JDK's HttpClient
     * asks for h2c) with 101 and HTTP/2, the request that asked becoming stream 1. {@code dropHttp1}
     * removes the HTTP/1 request handlers first; every other request passes through untouched.
     */
    public ChannelHandler upgrade(HttpServerCodec codec, int maxBody, Consumer<ChannelPipeline> dropHttp1) {
        return new HttpServerUpgradeHandler(
                codec,
                protocol -> {
                    if (!AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)) {
                        return null;
                    }
                    StreamCount count = new StreamCount(idleNanos);
                    return new Http2ServerUpgradeCodec(frameCodec(), count, multiplex(count)) {
                        @Override
                        public void upgradeTo(ChannelHandlerContext ctx, FullHttpRequest request) {
                            dropHttp1.accept(ctx.pipeline());
                            super.upgradeTo(ctx, request);
                        }
                    };
                },
                maxBody);
    }

    private Http2FrameCodec frameCodec() {
        return Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(MAX_STREAMS)
                        .maxHeaderListSize(maxHeaderSize))
                .build();
    }

    private Http2MultiplexHandler multiplex(StreamCount count) {
        return new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
                count.opened(ch);
                ch.pipeline().addLast("http", new Http2StreamFrameToHttpObjectCodec(true));
                stack.accept(ch);
            }
        });
    }

    /** Counts a connection's open streams; closes the connection when none was open for {@code idle}. */
    private static final class StreamCount extends ChannelInboundHandlerAdapter {
        private final long idleNanos;
        private ChannelHandlerContext ctx;
        private int open;
        private Future<?> timer;

        StreamCount(long idleNanos) {
            this.idleNanos = idleNanos;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
            arm();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            cancel();
            super.channelInactive(ctx);
        }

        /** On the connection's event loop, as every stream's events are. */
        void opened(Channel stream) {
            open++;
            cancel();
            stream.closeFuture().addListener(f -> {
                if (--open == 0) {
                    arm();
                }
            });
        }

        private void arm() {
            cancel();
            if (ctx.channel().isActive()) {
                timer = ctx.executor().schedule(() -> ctx.close(), idleNanos, TimeUnit.NANOSECONDS);
            }
        }

        private void cancel() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }
    }
}
