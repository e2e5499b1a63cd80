package io.warren.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import io.warren.ErrorCode;
import io.warren.WarrenException;
import io.warren.datagram.Ack;
import io.warren.datagram.Datagram;
import io.warren.server.ops.WarrenMetrics;
import java.util.List;

/**
 * Whole responses: JSON bodies and the JSON error shape {@code {"error":CODE,"message":...}}, with
 * {@code Retry-After} where {@link RetryAfter} says the refusal is temporary.
 */
public final class Responses {
    /**
     * Where error answers are counted ({@code warren_errors_total{code}}): set by the server on its listening
     * channel (or on a mounted connection) and found through the parents, so that an accepted connection or
     * an HTTP/2 stream carries no attribute of its own (heap per idle tunnel).
     */
    public static final AttributeKey<WarrenMetrics> METRICS = AttributeKey.valueOf("warren.metrics");

    private Responses() {}

    public static void error(ChannelHandlerContext ctx, HttpVersion version, boolean keepAlive, WarrenException e) {
        error(ctx, version, keepAlive, e.code(), e.getMessage());
    }

    private static void count(ChannelHandlerContext ctx, ErrorCode code) {
        for (Channel c = ctx.channel(); c != null; c = c.parent()) {
            if (c.hasAttr(METRICS)) { // hasAttr, unlike attr(), creates nothing
                c.attr(METRICS).get().error(code);
                return;
            }
        }
    }

    public static void error(
            ChannelHandlerContext ctx, HttpVersion version, boolean keepAlive, ErrorCode code, String message) {
        count(ctx, code);
        StringBuilder sb = new StringBuilder(96).append('{');
        Datagram.quote(sb.append("\"error\":"), code.wireName());
        Datagram.quote(sb.append(",\"message\":"), message == null ? "" : message);
        sb.append('}');
        FullHttpResponse r = json(ctx, version, HttpResponseStatus.valueOf(code.httpStatus()), sb);
        int retryAfter = RetryAfter.seconds(code);
        if (retryAfter > 0) {
            r.headers().setInt(HttpHeaderNames.RETRY_AFTER, retryAfter);
        }
        if (code == ErrorCode.METHOD_NOT_ALLOWED) {
            keepAlive = false;
        }
        send(ctx, r, keepAlive);
    }

    public static void acks(ChannelHandlerContext ctx, HttpVersion version, boolean keepAlive, List<Ack> acks) {
        StringBuilder sb = new StringBuilder(64 * acks.size()).append('[');
        for (int i = 0; i < acks.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            Ack a = acks.get(i);
            if (!a.ok()) {
                count(ctx, a.error());
            }
            sb.append(a.toJson());
        }
        send(ctx, json(ctx, version, HttpResponseStatus.OK, sb.append(']')), keepAlive);
    }

    public static FullHttpResponse json(
            ChannelHandlerContext ctx, HttpVersion version, HttpResponseStatus status, CharSequence body) {
        ByteBuf content = ByteBufUtil.writeUtf8(ctx.alloc(), body);
        FullHttpResponse r = new DefaultFullHttpResponse(version, status, content);
        r.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON + "; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set("X-Content-Type-Options", "nosniff")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        return r;
    }

    public static void send(ChannelHandlerContext ctx, FullHttpResponse r, boolean keepAlive) {
        if (!ctx.channel().isActive()) {
            r.release();
            return;
        }
        if (keepAlive) {
            if (r.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            ctx.writeAndFlush(r, ctx.voidPromise());
        } else {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
