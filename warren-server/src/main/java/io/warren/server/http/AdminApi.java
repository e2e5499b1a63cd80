package io.warren.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.warren.ErrorCode;
import io.warren.api.Queries;
import io.warren.engine.Node;

/**
 * The status page's views and its one action, under {@value #PREFIX}: {@code GET paths?prefix=P},
 * {@code GET presence?path=P}, {@code GET clients/C}, {@code GET users?user=U} and
 * {@code POST disconnect}. Let in by the admin key or session alone ({@link AdminGate}; never the publish
 * key), and answered by the engine owners the backend's {@code /api/} goes through: {@link Queries} (with
 * {@link QueryEndpoint}'s JSON) and {@code Backend.disconnect} (through {@link CommandsEndpoint#run}), so
 * the page shows and does exactly what the backend would.
 *
 * <p>The action changes state, so beyond the {@code SameSite=Strict} cookie it requires the header
 * {@value #CSRF_HEADER}{@code : 1} (which a cross-site form cannot send and a cross-site script cannot
 * without CORS, which {@code /admin} never grants) and refuses a request whose {@code Sec-Fetch-Site} or
 * {@code Origin} says it came from another site; its body is at most {@value #MAX_BODY} bytes.
 */
final class AdminApi {
    static final String PREFIX = "/admin/api/";
    static final String CSRF_HEADER = "X-Warren-Admin";
    static final int MAX_BODY = 4096;

    private final Node node;
    private final AdminGate gate;
    private final CommandsEndpoint commands;

    AdminApi(Node node, AdminGate gate, CommandsEndpoint commands) {
        this.node = node;
        this.gate = gate;
        this.commands = commands;
    }

    void handle(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder q) {
        String path = q.path();
        gate.authorize(ctx, req, q);
        if (path.equals(PREFIX + "disconnect")) {
            if (!req.method().equals(HttpMethod.POST)) {
                throw ErrorCode.METHOD_NOT_ALLOWED.exception("use POST for " + path);
            }
            sameOrigin(req);
            if (req.content().readableBytes() > MAX_BODY) {
                throw ErrorCode.TOO_LARGE.exception("the body exceeds " + MAX_BODY + " bytes");
            }
            commands.run(ctx, req, "/api/disconnect");
            return;
        }
        if (!req.method().equals(HttpMethod.GET)) {
            throw ErrorCode.METHOD_NOT_ALLOWED.exception("use GET for " + path);
        }
        QueryEndpoint.view(ctx, req, node.queries(), path, path.substring(PREFIX.length()), q, true);
    }

    /** Refuses a state change that a page of another site could have started. */
    private static void sameOrigin(FullHttpRequest req) {
        if (!"1".equals(req.headers().get(CSRF_HEADER))) {
            throw ErrorCode.FORBIDDEN.exception("this action needs the header " + CSRF_HEADER + ": 1");
        }
        String site = req.headers().get("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            throw ErrorCode.FORBIDDEN.exception("this action is refused from another site");
        }
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null) {
            String host = req.headers().get(HttpHeaderNames.HOST);
            int scheme = origin.indexOf("://");
            if (host == null || scheme < 0 || !origin.substring(scheme + 3).equalsIgnoreCase(host)) {
                throw ErrorCode.FORBIDDEN.exception("this action is refused from another origin");
            }
        }
    }
}
