package io.warren.server.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.warren.ErrorCode;
import io.warren.WarrenException;
import io.warren.api.Backend;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /api/subscribe}, {@code /api/unsubscribe} and {@code /api/disconnect}: the backend's commands
 * on tunnels ({@link Backend}), let in by the same {@link PublishGuard} as {@code /publish}. The body is one
 * JSON object naming {@code client} or {@code user}, with {@code path} and {@code subpaths} (interests) or
 * {@code reason} and {@code reconnect} (disconnect); a member it does not know is refused, so a typo never
 * passes as a default. The answer is {@code {"tunnels":N}}, or the usual JSON error.
 */
final class CommandsEndpoint {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Set<String> INTEREST = Set.of("client", "user", "path", "subpaths");
    private static final Set<String> DISCONNECT = Set.of("client", "user", "reason", "reconnect");

    private final Backend backend;
    private final PublishGuard guard;

    CommandsEndpoint(Backend backend, PublishGuard guard) {
        this.backend = backend;
        this.guard = guard;
    }

    void handle(ChannelHandlerContext ctx, FullHttpRequest req, String path) {
        if (!req.method().equals(HttpMethod.POST)) {
            throw ErrorCode.METHOD_NOT_ALLOWED.exception("use POST for " + path);
        }
        guard.check(ctx.channel(), req);
        run(ctx, req, path);
    }

    /**
     * Carries out the command {@code path} names, once its caller was let in: by the publish key here, by the
     * admin session for the status page ({@link AdminApi}).
     */
    void run(ChannelHandlerContext ctx, FullHttpRequest req, String path) {
        JsonNode body = read(req);
        Backend.Target target = new Backend.Target(text(body, "client"), text(body, "user"));
        CompletionStage<Integer> done = switch (path) {
            case "/api/subscribe", "/api/unsubscribe" -> {
                known(body, INTEREST);
                String pattern = text(body, "path");
                if (pattern == null) {
                    throw ErrorCode.BAD_REQUEST.exception("path is required");
                }
                boolean subpaths = bool(body, "subpaths", false);
                yield path.equals("/api/subscribe")
                        ? backend.subscribe(target, pattern, subpaths)
                        : backend.unsubscribe(target, pattern, subpaths);
            }
            default -> {
                known(body, DISCONNECT);
                String reason = text(body, "reason");
                yield backend.disconnect(
                        target, reason == null ? "disconnected" : reason, bool(body, "reconnect", false));
            }
        };
        HttpVersion version = req.protocolVersion();
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        done.whenComplete((n, e) -> {
            if (e == null) {
                Responses.send(
                        ctx, Responses.json(ctx, version, HttpResponseStatus.OK, "{\"tunnels\":" + n + "}"), keepAlive);
            } else if ((e instanceof CompletionException && e.getCause() != null ? e.getCause() : e)
                    instanceof WarrenException w) {
                Responses.error(ctx, version, keepAlive, w);
            } else {
                Responses.error(ctx, version, keepAlive, ErrorCode.OVERLOADED, "the command could not be carried out");
            }
        });
    }

    private static JsonNode read(FullHttpRequest req) {
        try (ByteBufInputStream in = new ByteBufInputStream(req.content().duplicate())) {
            JsonParser p = JSON.getFactory().createParser((java.io.InputStream) in);
            JsonNode n = JSON.readTree(p);
            if (n == null || !n.isObject()) {
                throw ErrorCode.BAD_REQUEST.exception("the body must be one JSON object");
            }
            return n;
        } catch (IOException e) {
            throw ErrorCode.BAD_JSON.exception("the body is not valid JSON");
        }
    }

    private static void known(JsonNode body, Set<String> members) {
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!members.contains(name)) {
                throw ErrorCode.BAD_REQUEST.exception("unknown member '" + name + "'");
            }
        }
    }

    private static String text(JsonNode body, String name) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ErrorCode.BAD_REQUEST.exception(name + " must be a string");
        }
        return v.asText();
    }

    private static boolean bool(JsonNode body, String name, boolean otherwise) {
        JsonNode v = body.get(name);
        if (v == null || v.isNull()) {
            return otherwise;
        }
        if (!v.isBoolean()) {
            throw ErrorCode.BAD_REQUEST.exception(name + " must be true or false");
        }
        return v.asBoolean();
    }
}
