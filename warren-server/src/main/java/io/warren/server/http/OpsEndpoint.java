package io.warren.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.warren.ErrorCode;
import io.warren.datagram.Datagram;
import io.warren.engine.Node;
import io.warren.engine.Shard;
import io.warren.format.Format;
import io.warren.path.Path;
import io.warren.path.PathPattern;
import io.warren.server.ops.AdminStats;
import io.warren.server.ops.Operations;
import io.warren.spi.Identity;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Operator endpoints: {@code /metrics} (Prometheus text), {@code /healthz} (alive), {@code /readyz}
 * (accepting, and the broker answers), and the status page {@code /admin} with its live feed
 * {@code /admin/events}, {@code POST /admin/reload} and the page's views and action under
 * {@code /admin/api/} ({@link AdminApi}).
 *
 * <p>The status page is guarded by {@code admin-key} (absent: the page does not exist). The key comes as
 * {@code ?key=} or {@code Authorization: Bearer}; the page then sets the {@code warren-admin} cookie, an
 * {@link AdminSession} (an HMAC of an expiry, never the key), so that its {@code EventSource} (which cannot
 * send headers) is authorized too; {@link AdminGate} checks both, and throttles wrong keys per address. The
 * feed is an ordinary Warren {@code sse} tunnel subscribed, server-side, to {@value AdminStats#PATH}: a
 * {@code /meta/} path, which no client can subscribe to and no wildcard matches; its identity is
 * {@linkplain Identity#internal internal}, so it is in none of the backend's queries.
 */
final class OpsEndpoint {
    static final String COOKIE = AdminGate.COOKIE;
    private static final byte[] PAGE = resource("admin.html");

    private final Operations ops;
    private final Function<Channel, Shard> shards;
    private final AdminGate gate;
    private final AdminApi api;

    OpsEndpoint(Operations ops, Function<Channel, Shard> shards, CommandsEndpoint commands) {
        this.ops = ops;
        this.shards = shards;
        this.gate = new AdminGate(() -> ops.options().adminKey());
        this.api = new AdminApi(ops.node(), gate, commands);
    }

    void handle(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder q, WarrenHttpHandler handler) {
        HttpVersion version = req.protocolVersion();
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        switch (q.path()) {
            case "/healthz" -> {
                requireGet(req);
                Responses.send(
                        ctx, Responses.json(ctx, version, HttpResponseStatus.OK, "{\"status\":\"ok\"}"), keepAlive);
            }
            case "/readyz" -> {
                requireGet(req);
                ready(ctx, version, keepAlive);
            }
            case "/metrics" -> {
                requireGet(req);
                if (!ops.options().metrics()) {
                    throw ErrorCode.NOT_FOUND.exception("metrics are disabled (metrics: false)");
                }
                // Rendering every meter takes milliseconds: not on an event loop that carries tunnels.
                CompletableFuture.supplyAsync(ops.metrics()::scrape).whenComplete((text, e) -> {
                    if (e != null) {
                        Responses.error(ctx, version, keepAlive, ErrorCode.OVERLOADED, "metrics could not be rendered");
                        return;
                    }
                    ByteBuf body = io.netty.buffer.ByteBufUtil.writeUtf8(ctx.alloc(), text);
                    FullHttpResponse r = new DefaultFullHttpResponse(version, HttpResponseStatus.OK, body);
                    r.headers()
                            .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
                            .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                            .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
                    Responses.send(ctx, r, keepAlive);
                });
            }
            case "/admin", "/admin/" -> {
                requireGet(req);
                String key = gate.authorize(ctx, req, q);
                FullHttpResponse r =
                        new DefaultFullHttpResponse(version, HttpResponseStatus.OK, Unpooled.wrappedBuffer(PAGE));
                r.headers()
                        .set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8")
                        .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                        .set("X-Content-Type-Options", "nosniff")
                        .set("X-Frame-Options", "DENY")
                        .set("Referrer-Policy", "no-referrer")
                        .set(
                                "Content-Security-Policy",
                                "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'")
                        // Always Secure: browsers keep it over https and on http://localhost / 127.0.0.1 only.
                        .set(
                                HttpHeaderNames.SET_COOKIE,
                                COOKIE + "=" + AdminGate.issue(key) + "; Path=/admin; Max-Age="
                                        + AdminSession.TTL.toSeconds() + "; HttpOnly; SameSite=Strict; Secure")
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, PAGE.length);
                Responses.send(ctx, r, keepAlive);
            }
            case "/admin/events" -> {
                requireGet(req);
                gate.authorize(ctx, req, q);
                feed(ctx, req, handler);
            }
            case "/admin/reload" -> {
                if (!req.method().equals(HttpMethod.POST)) {
                    throw ErrorCode.METHOD_NOT_ALLOWED.exception("use POST for /admin/reload");
                }
                gate.authorize(ctx, req, q);
                List<String> applied;
                try {
                    applied = ops.reload();
                } catch (IllegalArgumentException e) {
                    throw ErrorCode.BAD_REQUEST.exception("configuration refused, nothing changed: " + e.getMessage());
                }
                if (applied == null) {
                    throw ErrorCode.NOT_FOUND.exception("this server has no configuration to reload");
                }
                StringBuilder sb = new StringBuilder("{\"ok\":true,\"applied\":[");
                for (int i = 0; i < applied.size(); i++) {
                    Datagram.quote(i > 0 ? sb.append(',') : sb, applied.get(i));
                }
                Responses.send(ctx, Responses.json(ctx, version, HttpResponseStatus.OK, sb.append("]}")), keepAlive);
            }
            default -> {
                if (!q.path().startsWith(AdminApi.PREFIX)) {
                    throw ErrorCode.NOT_FOUND.exception("no such endpoint: " + q.path());
                }
                api.handle(ctx, req, q);
            }
        }
    }

    private static void requireGet(FullHttpRequest req) {
        if (!req.method().equals(HttpMethod.GET) && !req.method().equals(HttpMethod.HEAD)) {
            throw ErrorCode.METHOD_NOT_ALLOWED.exception("use GET");
        }
    }

    private void ready(ChannelHandlerContext ctx, HttpVersion version, boolean keepAlive) {
        if (ops.draining()) {
            Responses.send(
                    ctx,
                    Responses.json(ctx, version, HttpResponseStatus.SERVICE_UNAVAILABLE, "{\"status\":\"draining\"}"),
                    keepAlive);
            return;
        }
        ops.node()
                .pingBroker()
                .toCompletableFuture()
                .orTimeout(2, TimeUnit.SECONDS)
                .whenComplete((v, e) -> {
                    if (e == null) {
                        Responses.send(
                                ctx,
                                Responses.json(
                                        ctx,
                                        version,
                                        HttpResponseStatus.OK,
                                        "{\"status\":\"ready\",\"broker\":\"ok\"}"),
                                keepAlive);
                    } else {
                        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                        StringBuilder sb = new StringBuilder("{\"status\":\"unready\",\"broker\":");
                        Datagram.quote(
                                sb,
                                cause instanceof java.util.concurrent.TimeoutException
                                        ? "no answer within 2s"
                                        : String.valueOf(cause.getMessage()));
                        Responses.send(
                                ctx,
                                Responses.json(ctx, version, HttpResponseStatus.SERVICE_UNAVAILABLE, sb.append('}')),
                                keepAlive);
                    }
                });
    }

    /** Opens an sse tunnel subscribed to the stats path, bypassing the client authenticator (the admin key stood in). */
    private void feed(ChannelHandlerContext ctx, FullHttpRequest req, WarrenHttpHandler handler) {
        Node node = ops.node();
        Format format = node.formats().get("sse");
        Channel ch = ctx.channel();
        HttpTunnelConnection conn =
                new HttpTunnelConnection(ch, format, null, req.protocolVersion(), HttpUtil.isKeepAlive(req));
        handler.connectionStarted(conn);
        Identity admin = Identity.internal("admin");
        node.openTrusted(admin, shards.apply(ch), List.of(PathPattern.exact(Path.of(AdminStats.PATH))), conn)
                .whenComplete(conn.settle(ctx, node, "the feed could not be opened"));
    }

    private static byte[] resource(String name) {
        try (InputStream in = OpsEndpoint.class.getResourceAsStream("/io/warren/server/admin/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
