package io.warren.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.warren.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * {@code GET} (and {@code HEAD}) of the static files bundled in the server's classpath under
 * {@code warren-static/}: the browser client ({@code /warren.js}, {@code /warren.global.js}, their
 * {@code .min.js} variants and source maps, {@code /warren.d.ts}) and the demo page ({@code /} is {@code index.html}); other features add their
 * pages by adding files there. Files are read once and kept; responses carry a strong {@code ETag} and
 * {@code Cache-Control: no-cache}, so browsers revalidate and get {@code 304} while a file is unchanged.
 * Names are restricted to plain path segments; anything else, or a missing file, is a 404 JSON error.
 */
final class StaticEndpoint {
    static final String ROOT = "warren-static/";
    private static final Pattern NAME =
            Pattern.compile("(?:[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}/){0,3}[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}");
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("ts", "text/plain; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json; charset=utf-8"),
            Map.entry("map", "application/json; charset=utf-8"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("txt", "text/plain; charset=utf-8"));

    private final ClassLoader loader;
    private final Map<String, StaticFile> files = new ConcurrentHashMap<>();

    StaticEndpoint() {
        this.loader = StaticEndpoint.class.getClassLoader();
    }

    /** A bundled file: its bytes, type and entity tag. Never compared or hashed, so the array is fine. */
    @SuppressWarnings("ArrayRecordComponent")
    private record StaticFile(byte[] bytes, String type, String etag) {}

    void handle(ChannelHandlerContext ctx, FullHttpRequest req, String path) {
        boolean head = req.method().equals(HttpMethod.HEAD);
        if (!head && !req.method().equals(HttpMethod.GET)) {
            throw ErrorCode.NOT_FOUND.exception("no such endpoint: " + path);
        }
        String name = path.equals("/") ? "index.html" : path.substring(1);
        StaticFile f = file(name);
        if (f == null) {
            throw ErrorCode.NOT_FOUND.exception("no such file: " + path);
        }
        boolean notModified = f.etag.equals(req.headers().get(HttpHeaderNames.IF_NONE_MATCH));
        FullHttpResponse r = new DefaultFullHttpResponse(
                req.protocolVersion(),
                notModified ? HttpResponseStatus.NOT_MODIFIED : HttpResponseStatus.OK,
                notModified || head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(f.bytes));
        r.headers()
                .set(HttpHeaderNames.ETAG, f.etag)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .set("X-Content-Type-Options", "nosniff");
        if (!notModified) {
            r.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, f.type)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, f.bytes.length);
        }
        Responses.send(ctx, r, HttpUtil.isKeepAlive(req));
    }

    private StaticFile file(String name) {
        if (!NAME.matcher(name).matches() || name.contains("..")) {
            return null;
        }
        StaticFile f = files.get(name);
        if (f != null) {
            return f;
        }
        // Misses are not remembered, so junk names cannot grow the map.
        try (InputStream in = loader.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                return null;
            }
            byte[] bytes = in.readAllBytes();
            int dot = name.lastIndexOf('.');
            String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
            String type = TYPES.getOrDefault(ext, "application/octet-stream");
            f = new StaticFile(bytes, type, etag(bytes));
            files.put(name, f);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(d, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
