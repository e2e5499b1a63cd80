package io.warren.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.HttpServerCodec;
import io.warren.server.config.SecurityOptions;
import io.warren.server.http.BoundedAggregator;
import io.warren.server.http.OriginHandler;
import io.warren.server.http.OriginPolicy;
import io.warren.server.http.RequestTimeoutHandler;
import io.warren.server.http.Responses;
import io.warren.server.http.WarrenHttpHandler;
import io.warren.server.ops.AccessLogHandler;
import io.warren.server.ops.ByteCounter;
import io.warren.server.ops.Operations;
import io.warren.server.ops.WarrenMetrics;

/**
 * Warren's pipeline, one place for both ways a connection arrives: accepted on Warren's own port
 * ({@link #initChannel}) or handed over by the application ({@link #mount}). Bytes counted, HTTP codec,
 * access log (when on), request timeouts, bounded body, origin check (when configured), then Warren.
 */
@ChannelHandler.Sharable
final class WarrenChannels extends ChannelInitializer<Channel> {
    /** Below the low mark a tunnel writes again; above the high mark it holds its datagrams. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

    private final SecurityOptions security;
    private final int maxBody;
    private final Operations operations;
    private final WarrenMetrics metrics;
    private final ByteCounter bytes;
    private final WarrenHttpHandler.Endpoints endpoints;

    /** Security and max-body need a restart to change; the access log is read for each new connection. */
    WarrenChannels(
            SecurityOptions security,
            int maxBody,
            Operations operations,
            WarrenMetrics metrics,
            WarrenHttpHandler.Endpoints endpoints) {
        this.security = security;
        this.maxBody = maxBody;
        this.operations = operations;
        this.metrics = metrics;
        this.bytes = new ByteCounter(metrics);
        this.endpoints = endpoints;
    }

    @Override
    protected void initChannel(Channel ch) {
        install(ch.pipeline());
    }

    /** A connection the application accepted: what the bootstrap sets on accepted ones, then the pipeline. */
    void mount(Channel channel) {
        channel.attr(Responses.METRICS).set(metrics);
        channel.config().setWriteBufferWaterMark(WATER_MARK);
        install(channel.pipeline());
    }

    private void install(ChannelPipeline p) {
        p.addLast("bytes", bytes);
        p.addLast("http", new HttpServerCodec(security.maxInitialLine(), security.maxHeaderSize(), 8192));
        if (operations.options().accessLog()) {
            p.addLast("access", new AccessLogHandler());
        }
        p.addLast("timeouts", new RequestTimeoutHandler(security.idleTimeout(), security.requestTimeout()));
        p.addLast("aggregate", new BoundedAggregator(maxBody));
        if (!security.allowedOrigins().isEmpty()) {
            p.addLast("origins", new OriginHandler(OriginPolicy.of(security.allowedOrigins())));
        }
        p.addLast("warren", new WarrenHttpHandler(endpoints));
    }
}
