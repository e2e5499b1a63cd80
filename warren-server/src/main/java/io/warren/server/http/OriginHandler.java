package io.warren.server.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.warren.ErrorCode;

/**
 * Allowed origins for the browser-facing endpoints ({@code /tunnel}, {@code /events}; WebSocket upgrades
 * arrive at {@code /tunnel} too): a request whose {@code Origin} is not allowed is answered 403
 * {@code forbidden} and reaches nothing; a CORS preflight ({@code OPTIONS} with
 * {@code Access-Control-Request-Method}) from an allowed origin is answered 204 here; responses to an
 * allowed origin carry {@code Access-Control-Allow-Origin} and {@code Vary: Origin}: an origin listed exactly
 * gets itself back with {@code Access-Control-Allow-Credentials: true}; any other origin admitted by
 * {@code *} gets {@code *} and no credentials. Requests without {@code Origin} (same-origin GETs, servers,
 * curl) pass. The path comes from {@link RequestPath}, as the router's does; a non-canonical path passes
 * through to the router, which refuses it.
 *
 * <p>Sits after the aggregator, so it sees whole requests. One instance per channel (it remembers the
 * origin of the request being answered).
 */
public final class OriginHandler extends ChannelDuplexHandler {
    private static final String ALLOWED_HEADERS = "Content-Type, Authorization, Last-Event-ID, X-Requested-With";

    private final OriginPolicy policy;
    private String answering; // origin of the request being answered, when allowed

    public OriginHandler(OriginPolicy policy) {
        this.policy = policy;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest req)) {
            ctx.fireChannelRead(msg);
            return;
        }
        String path = RequestPath.orNull(req.uri());
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        answering = null;
        if (origin == null || path == null || !(path.equals("/tunnel") || path.equals("/events"))) {
            ctx.fireChannelRead(msg);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (!policy.allows(origin)) {
            req.release();
            Responses.error(ctx, req.protocolVersion(), keepAlive, ErrorCode.FORBIDDEN, "origin not allowed");
            return;
        }
        answering = origin;
        if (req.method().equals(HttpMethod.OPTIONS)
                && req.headers().contains(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD)) {
            req.release();
            FullHttpResponse r = new DefaultFullHttpResponse(req.protocolVersion(), HttpResponseStatus.NO_CONTENT);
            r.headers()
                    .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST")
                    .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS)
                    .set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "600")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            allowOrigin(r); // written from this handler's context, so write() below does not see it
            Responses.send(ctx, r, keepAlive);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse r && answering != null) {
            allowOrigin(r);
        }
        super.write(ctx, msg, promise);
    }

    private void allowOrigin(HttpResponse r) {
        if (policy.credentials(answering)) {
            r.headers()
                    .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, answering)
                    .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        } else {
            r.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        }
        r.headers().add(HttpHeaderNames.VARY, "Origin");
    }
}
