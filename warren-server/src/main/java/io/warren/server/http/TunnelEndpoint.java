package io.warren.server.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.warren.ErrorCode;
import io.warren.engine.Node;
import io.warren.engine.Shard;
import io.warren.engine.Tunnel;
import io.warren.format.Format;
import io.warren.path.PathPattern;
import io.warren.server.config.Callbacks;
import io.warren.server.ws.WebSocketTunnelConnection;
import io.warren.server.ws.WebSocketUpgrade;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * {@code GET /tunnel}: opens ({@code new=1}) or re-attaches ({@code tunnel=T[&last=ID]}) a tunnel and
 * turns the response into its connection (or, for a transport-framed format such as {@code ws}, upgrades
 * the socket to a WebSocket). Everything is validated before authentication runs, so bad
 * input changes nothing.
 */
final class TunnelEndpoint {
    private static final int MAX_LAST = 128;

    private final Node node;
    private final Function<Channel, Shard> shards;
    private final OriginPolicy origins;

    TunnelEndpoint(Node node, Function<Channel, Shard> shards, OriginPolicy origins) {
        this.node = node;
        this.shards = shards;
        this.origins = origins;
    }

    void handle(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder q, WarrenHttpHandler handler) {
        if (!req.method().equals(HttpMethod.GET)) {
            throw ErrorCode.METHOD_NOT_ALLOWED.exception("use GET for /tunnel");
        }
        String formatName = Requests.param(q, "format");
        Format format = node.formats().get(formatName);
        if (format == null) {
            throw ErrorCode.UNKNOWN_FORMAT.exception(
                    formatName == null ? "format is required" : "unknown format '" + formatName + "'");
        }
        String callback = callback(Requests.param(q, "callback"), format);
        String fresh = Requests.param(q, "new");
        String tunnelId = Requests.tunnelId(Requests.param(q, "tunnel"));
        boolean isNew = fresh != null && (fresh.equals("1") || fresh.equals("true"));
        if (isNew == (tunnelId != null)) {
            throw ErrorCode.BAD_REQUEST.exception("give either new=1 (open a tunnel) or tunnel=T (re-attach)");
        }
        String last = Requests.param(q, "last");
        if (last == null && !isNew) {
            last = req.headers().get("Last-Event-ID");
        }
        if (last != null && (last.isEmpty() || last.length() > MAX_LAST)) {
            throw ErrorCode.BAD_REQUEST.exception("malformed last datagram id");
        }
        List<PathPattern> subscribe = Node.openPatterns(Requests.params(q, "subscribe"), node.limits());
        if (subscribe.size() > node.options().maxInterests()) {
            throw ErrorCode.TOO_MANY.exception("at most " + node.options().maxInterests() + " interests per tunnel");
        }

        Channel ch = ctx.channel();
        HttpOpenRequest open = new HttpOpenRequest(
                req.headers(), q, ch.remoteAddress(), ScriptInclusion.cookiesAllowed(format, req.headers()));
        Shard shard = shards.apply(ch);
        if (format.transportFramed()) {
            // Checked here as well as in OriginHandler: the upgrade is what a cross-site page would hijack.
            if (!origins.allows(req.headers().get(HttpHeaderNames.ORIGIN))) {
                throw ErrorCode.FORBIDDEN.exception("origin not allowed");
            }
            WebSocketTunnelConnection ws = WebSocketUpgrade.upgrade(ch, req, format, node, ctx.name());
            (isNew ? node.open(open, shard, subscribe, ws) : node.attach(open, shard, tunnelId, last, subscribe, ws))
                    .whenComplete((t, e) -> WebSocketUpgrade.opened(ws, node, t, e));
            return;
        }
        HttpTunnelConnection conn =
                new HttpTunnelConnection(ch, format, callback, req.protocolVersion(), HttpUtil.isKeepAlive(req));
        handler.connectionStarted(conn);
        CompletionStage<Tunnel> stage = isNew
                ? node.open(open, shard, subscribe, conn)
                : node.attach(open, shard, tunnelId, last, subscribe, conn);
        stage.whenComplete(conn.settle(ctx, node, "the tunnel could not be opened"));
    }

    private static String callback(String callback, Format format) {
        if (callback == null) {
            if (format.callbackRequired()) {
                throw ErrorCode.BAD_CALLBACK.exception("format '" + format.name() + "' needs a callback parameter");
            }
            return format.defaultCallback();
        }
        if (!Callbacks.valid(callback)) {
            throw ErrorCode.BAD_CALLBACK.exception("callback must be " + Callbacks.RULE);
        }
        return callback;
    }
}
