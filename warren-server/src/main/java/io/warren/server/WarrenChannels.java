package io.warren.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.warren.server.config.SecurityOptions;
import io.warren.server.h2.Http2Streams;
import io.warren.server.h2.PrefaceDetector;
import io.warren.server.h2.ProtocolChoice;
import io.warren.server.h2.TlsContext;
import io.warren.server.http.BoundedAggregator;
import io.warren.server.http.OriginHandler;
import io.warren.server.http.OriginPolicy;
import io.warren.server.http.RequestHandlers;
import io.warren.server.http.RequestTimeoutHandler;
import io.warren.server.http.Responses;
import io.warren.server.http.WarrenHttpHandler;
import io.warren.server.ops.AccessLogHandler;
import io.warren.server.ops.ByteCounter;
import io.warren.server.ops.Operations;
import io.warren.server.ops.WarrenMetrics;
import java.net.InetSocketAddress;

/**
 * Warren's pipeline, one place for both ways a connection arrives: accepted on Warren's own port
 * ({@link #initChannel}) or handed over by the application ({@link #mount}). Bytes counted; TLS with
 * ALPN when configured, else h2c detection; then for HTTP/1.1 the HTTP codec, for HTTP/2 the frame codec
 * and one child channel per stream; and for each request the same handlers: access log (when on),
 * request timeouts, bounded body, origin check (when configured), then Warren. A connection whose stream
 * response has started sheds what serves only further requests ({@link RequestHandlers}).
 */
@ChannelHandler.Sharable
final class WarrenChannels extends ChannelInitializer<Channel> {
    /** Below the low mark a tunnel writes again; above the high mark it holds its datagrams. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);
    /** At most this many answers wait for the end of a read before they are written anyway. */
    private static final int FLUSHES_PER_WRITE = 64;

    /**
     * One read-size policy for every accepted connection: Netty's default gives each channel its own copy
     * of this stateless configuration (32 bytes per idle tunnel); the per-channel state is in its handle.
     */
    private static final AdaptiveRecvByteBufAllocator READS = new AdaptiveRecvByteBufAllocator();

    private final SecurityOptions security;
    private final int maxBody;
    private final Operations operations;
    private final WarrenMetrics metrics;
    private final ByteCounter bytes;
    private final WarrenHttpHandler.Endpoints endpoints;
    private final TlsContext tls;
    private final Http2Streams h2;
    private final ProtocolChoice protocols;

    /**
     * Security and max-body need a restart to change; the access log is read for each new connection, the
     * TLS certificate for each new connection on Warren's port ({@code tls} null: plain HTTP and h2c).
     */
    WarrenChannels(
            SecurityOptions security,
            int maxBody,
            Operations operations,
            WarrenMetrics metrics,
            WarrenHttpHandler.Endpoints endpoints,
            TlsContext tls) {
        this.security = security;
        this.maxBody = maxBody;
        this.operations = operations;
        this.metrics = metrics;
        this.bytes = new ByteCounter(metrics);
        this.endpoints = endpoints;
        this.tls = tls;
        this.h2 = new Http2Streams(this::stream, security.maxHeaderSize(), security.idleTimeout());
        this.protocols = new ProtocolChoice(this::http1, h2::install);
    }

    @Override
    protected void initChannel(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        p.addLast("bytes", bytes);
        if (tls != null) {
            p.addLast("tls", tls.newHandler(ch.alloc()));
            p.addLast("alpn", TlsContext.alpn(protocols));
        } else {
            p.addLast("detect", new PrefaceDetector(protocols, security.idleTimeout()));
        }
    }

    /** Binds Warren's own port on {@code group}: every accepted connection gets this pipeline. */
    Channel bind(EventLoopGroup group, Transport transport, InetSocketAddress address) {
        return new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childOption(ChannelOption.RECVBUF_ALLOCATOR, READS)
                .attr(Responses.METRICS, metrics) // on the listening channel: found through each child's parent
                .childHandler(this)
                .bind(address)
                .syncUninterruptibly()
                .channel();
    }

    /**
     * A connection the application accepted (and decrypted, if it uses TLS): what the bootstrap sets on
     * accepted ones, then HTTP/1.1 or h2c with prior knowledge.
     */
    void mount(Channel channel) {
        channel.attr(Responses.METRICS).set(metrics);
        channel.config().setWriteBufferWaterMark(WATER_MARK);
        channel.pipeline().addLast("bytes", bytes);
        channel.pipeline().addLast("detect", new PrefaceDetector(protocols, security.idleTimeout()));
    }

    private void http1(ChannelPipeline p) {
        HttpServerCodec codec = new HttpServerCodec(security.maxInitialLine(), security.maxHeaderSize(), 8192);
        // Answers to requests read together (pipelined publishes) leave in one write at the end of the read;
        // a write outside a read (a tunnel's datagrams, a poll's answer) is flushed at once as before.
        p.addLast(RequestHandlers.FLUSHES, new FlushConsolidationHandler(FLUSHES_PER_WRITE, false));
        p.addLast(RequestHandlers.CODEC, codec);
        if (tls == null) {
            p.addLast(RequestHandlers.H2C, h2.upgrade(codec, maxBody, WarrenChannels::dropRequestHandlers));
        }
        request(p);
    }

    /** After an h2c upgrade the connection carries streams: each has its own request handlers. */
    private static void dropRequestHandlers(ChannelPipeline p) {
        for (String name : new String[] {
            RequestHandlers.ACCESS,
            RequestHandlers.TIMEOUTS,
            RequestHandlers.AGGREGATE,
            RequestHandlers.ORIGINS,
            RequestHandlers.WARREN
        }) {
            if (p.get(name) != null) {
                p.remove(name);
            }
        }
    }

    /** An HTTP/2 stream: a channel of its own, with the connection's settings (the codec is already in). */
    private void stream(Http2StreamChannel ch) {
        ch.config().setWriteBufferWaterMark(WATER_MARK);
        request(ch.pipeline());
    }

    private void request(ChannelPipeline p) {
        if (operations.options().accessLog()) {
            p.addLast(RequestHandlers.ACCESS, new AccessLogHandler());
        }
        p.addLast(
                RequestHandlers.TIMEOUTS, new RequestTimeoutHandler(security.idleTimeout(), security.requestTimeout()));
        p.addLast(RequestHandlers.AGGREGATE, new BoundedAggregator(maxBody));
        if (!security.allowedOrigins().isEmpty()) {
            p.addLast(RequestHandlers.ORIGINS, new OriginHandler(OriginPolicy.of(security.allowedOrigins())));
        }
        p.addLast(RequestHandlers.WARREN, new WarrenHttpHandler(endpoints));
    }
}
