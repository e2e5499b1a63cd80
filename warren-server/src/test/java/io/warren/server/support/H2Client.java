package io.warren.server.support;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * A Netty HTTP/2 client speaking h2c with prior knowledge, with control over each stream's reading:
 * a stream opened with {@code read=false} stops taking data once its head arrived, so its flow-control
 * window (64 KB, the protocol's default) fills up and the server must hold its data. The connection
 * window is opened to 16 MB, as browsers do, so that one stalled stream cannot stall the others.
 */
public final class H2Client implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel connection;

    private H2Client(int port) throws InterruptedException {
        Http2FrameCodec codec = Http2FrameCodecBuilder.forClient()
                .initialSettings(Http2Settings.defaultSettings().initialWindowSize(65_535))
                .build();
        connection = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(codec, new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                    }
                })
                .connect("127.0.0.1", port)
                .sync()
                .channel();
        connection
                .writeAndFlush(new DefaultHttp2WindowUpdateFrame(16 * 1024 * 1024))
                .sync();
    }

    public static H2Client priorKnowledge(int port) {
        try {
            return new H2Client(port);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A GET on a new stream of this connection. */
    public Stream get(String pathAndQuery, boolean read) {
        Stream s = new Stream(read);
        Http2StreamChannel ch = new Http2StreamChannelBootstrap(connection)
                .handler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel c) {
                        c.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false), s.collector());
                    }
                })
                .open()
                .syncUninterruptibly()
                .getNow();
        s.channel = ch;
        DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, pathAndQuery);
        req.headers().set(HttpHeaderNames.HOST, "127.0.0.1");
        ch.closeFuture().addListener(f -> s.closed.complete(null));
        ch.writeAndFlush(req);
        return s;
    }

    @Override
    public void close() {
        connection.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One stream: its response head, the body text so far, and whether the stream ended. */
    public static final class Stream {
        private final boolean read;

        @SuppressWarnings("JdkObsolete") // appended on the event loop, read by the test thread
        private final StringBuffer body = new StringBuffer();

        public final CompletableFuture<HttpResponse> head = new CompletableFuture<>();
        public final CompletableFuture<Void> closed = new CompletableFuture<>();
        private volatile Channel channel;
        private volatile boolean resumed;

        Stream(boolean read) {
            this.read = read;
        }

        /** Takes data again (a stream opened with {@code read=false}). */
        public void resume() {
            resumed = true;
            channel.config().setAutoRead(true);
        }

        public String body() {
            return body.toString();
        }

        public int bodyLength() {
            return body.length();
        }

        private SimpleChannelInboundHandler<HttpObject> collector() {
            return new SimpleChannelInboundHandler<>() {
                @Override
                protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
                    if (msg instanceof HttpResponse r) {
                        head.complete(r);
                    }
                    if (msg instanceof HttpContent c) {
                        body.append(c.content().toString(StandardCharsets.UTF_8));
                        if (!read && !resumed && body.indexOf("/meta/open") >= 0) {
                            // From here on this reader is stuck: nothing more is taken from the stream.
                            ctx.channel().config().setAutoRead(false);
                        }
                    }
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    ctx.close();
                }
            };
        }
    }
}
