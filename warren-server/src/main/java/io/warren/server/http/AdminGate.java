package io.warren.server.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.warren.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Supplier;

/**
 * The one check of every {@code /admin} request: the admin key ({@code ?key=} or {@code Authorization:
 * Bearer}, compared in constant time) or the {@code warren-admin} session cookie ({@link AdminSession}).
 * Deny by default: no admin key configured means no admin endpoint (404), a locked-out address is refused
 * before its key is looked at, and a wrong key counts towards the lockout ({@link AdminThrottle}). The publish
 * key is never looked at.
 */
final class AdminGate {
    static final String COOKIE = "warren-admin";

    private final Supplier<String> adminKey;
    private final AdminThrottle throttle = new AdminThrottle();

    AdminGate(Supplier<String> adminKey) {
        this.adminKey = adminKey;
    }

    /** Checks the key or the session; returns the key. */
    String authorize(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder q) {
        String expected = adminKey.get();
        if (expected == null) {
            throw ErrorCode.NOT_FOUND.exception("the status page is disabled (set admin-key to enable it)");
        }
        String address = ctx.channel().remoteAddress() instanceof java.net.InetSocketAddress a
                ? a.getAddress().getHostAddress()
                : String.valueOf(ctx.channel().remoteAddress());
        throttle.check(address);
        String given = Requests.param(q, "key");
        String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (given == null && auth != null && auth.startsWith("Bearer ")) {
            given = auth.substring("Bearer ".length());
        }
        boolean ok;
        if (given != null) {
            ok = MessageDigest.isEqual(
                    expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
        } else {
            String session = sessionCookie(req);
            ok = session != null && AdminSession.valid(expected, session, nowSeconds());
        }
        if (!ok) {
            throttle.failed(address);
            throw ErrorCode.UNAUTHORIZED.exception("missing or wrong admin key");
        }
        return expected;
    }

    /** A fresh session cookie value for {@code key}. */
    static String issue(String key) {
        return AdminSession.issue(key, nowSeconds());
    }

    private static String sessionCookie(FullHttpRequest req) {
        String given = null;
        for (String header : req.headers().getAll(HttpHeaderNames.COOKIE)) {
            for (Cookie c : ServerCookieDecoder.STRICT.decode(header)) {
                if (c.name().equals(COOKIE)) {
                    given = c.value();
                }
            }
        }
        return given;
    }

    private static long nowSeconds() {
        return System.currentTimeMillis() / 1000;
    }
}
