package io.warren.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.warren.ErrorCode;
import io.warren.WarrenException;
import io.warren.api.Queries;
import io.warren.datagram.ControlDatagrams;
import io.warren.datagram.Datagram;
import io.warren.engine.Node;
import io.warren.path.PathPattern;
import io.warren.spi.ClientDirectory.Entry;
import io.warren.spi.ClientDirectory.Page;
import io.warren.spi.ClientDirectory.PathCount;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The backend's queries, behind the publish key ({@link PublishGuard}): {@code GET /api/presence?path=P
 * [&subpaths=1]}, {@code GET /api/paths?prefix=P}, {@code GET /api/clients/C} and
 * {@code GET /api/users?user=U}, answered from {@link Queries} as JSON. Lists are paged: {@code limit} (1 to 1000, default 100) items after the cursor
 * {@code after}, the answer's {@code next} (null on the last page).
 */
final class QueryEndpoint {
    static final String CLIENTS = "/api/clients/";

    private final Node node;
    private final PublishGuard guard;

    QueryEndpoint(Node node, PublishGuard guard) {
        this.node = node;
        this.guard = guard;
    }

    /** Whether {@code path} is one of this endpoint's. */
    static boolean serves(String path) {
        return path.equals("/api/presence")
                || path.equals("/api/paths")
                || path.equals("/api/users")
                || path.startsWith(CLIENTS);
    }

    void handle(ChannelHandlerContext ctx, FullHttpRequest req, String path, QueryStringDecoder q) {
        if (!req.method().equals(HttpMethod.GET)) {
            throw ErrorCode.METHOD_NOT_ALLOWED.exception("use GET for " + path);
        }
        guard.checkKey(ctx.channel(), req);
        view(ctx, req, node.queries(), path, path.substring("/api/".length()), q, false);
    }

    /**
     * Answers one view, for both the backend's {@code /api/} and the admin page's {@code /admin/api/}: each
     * endpoint checks its own credential and method first. {@code view} is what follows the endpoint's prefix
     * (presence, the path list, users, {@code clients/C}); {@code path} is the whole request path, for
     * messages. {@code emptyPrefixIsRoot}: the admin page's search field sends {@code prefix=} for "all paths",
     * where the API answers {@code bad-path}.
     */
    static void view(
            ChannelHandlerContext ctx,
            FullHttpRequest req,
            Queries queries,
            String path,
            String view,
            QueryStringDecoder q,
            boolean emptyPrefixIsRoot) {
        if (view.startsWith("clients/")) {
            String client = view.substring("clients/".length());
            if (client.isEmpty() || client.contains("/")) {
                throw ErrorCode.NOT_FOUND.exception("no such endpoint: " + path);
            }
            answer(ctx, req, queries.client(client), e -> {
                if (e == null) {
                    throw ErrorCode.NOT_FOUND.exception("no client " + client + " on any node");
                }
                return client(e);
            });
            return;
        }
        String after = Requests.param(q, "after");
        int limit = limit(Requests.param(q, "limit"));
        switch (view) {
            case "presence" -> {
                String p = required(q, "path");
                boolean subpaths = flag(Requests.param(q, "subpaths"));
                answer(ctx, req, queries.presence(p, subpaths, after, limit), QueryEndpoint::presence);
            }
            case "users" -> answer(ctx, req, queries.user(required(q, "user"), after, limit), QueryEndpoint::users);
            case "paths" -> {
                String prefix = Requests.param(q, "prefix");
                boolean root = prefix == null || (emptyPrefixIsRoot && prefix.isEmpty());
                answer(ctx, req, queries.paths(root ? "/" : prefix, after, limit), QueryEndpoint::paths);
            }
            default -> throw ErrorCode.NOT_FOUND.exception("no such endpoint: " + path);
        }
    }

    static String required(QueryStringDecoder q, String name) {
        String v = Requests.param(q, name);
        if (v == null || v.isEmpty()) {
            throw ErrorCode.BAD_REQUEST.exception(name + " is required");
        }
        return v;
    }

    static boolean flag(String v) {
        if (v == null || v.equals("0") || v.equals("false")) {
            return false;
        }
        if (v.equals("1") || v.equals("true")) {
            return true;
        }
        throw ErrorCode.BAD_REQUEST.exception("subpaths must be 1 or 0");
    }

    static int limit(String v) {
        if (v == null) {
            return Queries.DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= Queries.MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ErrorCode.BAD_REQUEST.exception("limit must be a whole number from 1 to " + Queries.MAX_LIMIT);
    }

    static <T> void answer(
            ChannelHandlerContext ctx, FullHttpRequest req, CompletionStage<T> stage, Function<T, CharSequence> json) {
        HttpVersion version = req.protocolVersion();
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        stage.thenApply(json)
                .whenComplete((body, e) -> ctx.executor().execute(() -> {
                    if (e == null) {
                        Responses.send(ctx, Responses.json(ctx, version, HttpResponseStatus.OK, body), keepAlive);
                    } else {
                        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                        Responses.error(
                                ctx,
                                version,
                                keepAlive,
                                cause instanceof WarrenException w
                                        ? w
                                        : ErrorCode.OVERLOADED.exception("the directory did not answer"));
                    }
                }));
    }

    static CharSequence presence(Page<Entry> page) {
        StringBuilder sb = new StringBuilder(64 + 64 * page.items().size());
        sb.append("{\"count\":").append(page.count()).append(",\"clients\":[");
        List<Entry> items = page.items();
        for (int i = 0; i < items.size(); i++) {
            Entry e = items.get(i);
            sb.append(i > 0 ? "," : "").append(ControlDatagrams.member(e.client(), e.user(), e.info()));
        }
        return next(sb.append(']'), page.next());
    }

    /** {@code {"count":N,"clients":[client...],"next":CURSOR}}, each client as {@link #client} shows it. */
    static CharSequence users(Page<Entry> page) {
        List<Entry> items = page.items();
        StringBuilder sb = new StringBuilder(64 + 160 * items.size());
        sb.append("{\"count\":").append(page.count()).append(",\"clients\":[");
        for (int i = 0; i < items.size(); i++) {
            sb.append(i > 0 ? "," : "").append(client(items.get(i)));
        }
        return next(sb.append(']'), page.next());
    }

    static CharSequence paths(Page<PathCount> page) {
        StringBuilder sb = new StringBuilder(64 + 48 * page.items().size());
        sb.append("{\"count\":").append(page.count()).append(",\"paths\":[");
        List<PathCount> items = page.items();
        for (int i = 0; i < items.size(); i++) {
            pattern(sb.append(i > 0 ? "," : ""), items.get(i).pattern());
            sb.setLength(sb.length() - 1);
            sb.append(",\"count\":").append(items.get(i).count()).append('}');
        }
        return next(sb.append(']'), page.next());
    }

    static CharSequence client(Entry e) {
        String member = ControlDatagrams.member(e.client(), e.user(), e.info());
        StringBuilder sb = new StringBuilder(member.length() + 128).append(member, 0, member.length() - 1);
        sb.append(",\"interests\":[");
        for (int i = 0; i < e.interests().size(); i++) {
            pattern(sb.append(i > 0 ? "," : ""), e.interests().get(i));
        }
        sb.append("],\"attached\":").append(e.attached()).append(",\"format\":");
        if (e.format() == null) {
            sb.append("null");
        } else {
            Datagram.quote(sb, e.format());
        }
        Datagram.quote(sb.append(",\"node\":"), e.node());
        return sb.append('}');
    }

    /** {@code {"path":P}}, with {@code "subpaths":true} for a subtree: as a client writes it. */
    private static void pattern(StringBuilder sb, PathPattern p) {
        Datagram.quote(sb.append("{\"path\":"), p.wirePath());
        if (p.kind() == PathPattern.Kind.SUBTREE) {
            sb.append(",\"subpaths\":true");
        }
        sb.append('}');
    }

    private static CharSequence next(StringBuilder sb, String next) {
        sb.append(",\"next\":");
        if (next == null) {
            sb.append("null");
        } else {
            Datagram.quote(sb, next);
        }
        return sb.append('}');
    }
}
