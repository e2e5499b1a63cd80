package io.warren.server.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpUtil;
import io.warren.ErrorCode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may {@code POST /publish} and ask the backend's queries ({@code /api/...}); deny by default. In order:
 * <ol>
 *   <li>a request carrying an {@code Origin} is a browser page's: refused unless that origin is listed
 *       exactly in {@code allowed-origins} ({@code *} does not count: backends send no Origin);</li>
 *   <li>with a {@code publish-key}: {@code Authorization: Bearer KEY}, compared in constant time;</li>
 *   <li>without one: a direct loopback client only, and a request with {@code Forwarded},
 *       {@code X-Forwarded-For} or {@code X-Real-IP} is refused, since behind a local proxy every
 *       request, the internet's included, arrives from loopback;</li>
 *   <li>(publishing only) the body must be declared {@code application/json}, which a cross-site page cannot send without a
 *       CORS preflight (that {@code /publish} never grants).</li>
 * </ol>
 */
public final class PublishGuard {
    private static final Logger log = LoggerFactory.getLogger(PublishGuard.class);

    private final OriginPolicy origins;
    private volatile byte[] key;

    PublishGuard(String publishKey, OriginPolicy origins) {
        this.origins = origins;
        key(publishKey);
    }

    /** Sets the key (null: direct loopback clients only); a reload calls this while requests run. */
    void key(String publishKey) {
        this.key = publishKey == null ? null : ("Bearer " + publishKey).getBytes(StandardCharsets.UTF_8);
    }

    /** Throws the refusal, or returns when the request may publish. */
    void check(Channel ch, FullHttpRequest req) {
        checkKey(ch, req);
        CharSequence type = HttpUtil.getMimeType(req);
        if (type == null || !type.toString().trim().toLowerCase(Locale.ROOT).equals("application/json")) {
            throw ErrorCode.BAD_REQUEST.exception("/publish takes Content-Type: application/json");
        }
    }

    /**
     * Steps 1 to 3 (origin, key or loopback), for requests without a body: the backend's queries
     * ({@code GET /api/...}). Throws the refusal, or returns when the request may ask.
     */
    void checkKey(Channel ch, FullHttpRequest req) {
        HttpHeaders h = req.headers();
        String origin = h.get(HttpHeaderNames.ORIGIN);
        if (origin != null && !origins.listed(origin)) {
            throw ErrorCode.FORBIDDEN.exception("origin not allowed to publish (browser pages may not use /publish)");
        }
        byte[] key = this.key;
        if (key == null) {
            if (!(ch.remoteAddress() instanceof InetSocketAddress a)
                    || !a.getAddress().isLoopbackAddress()) {
                throw ErrorCode.UNAUTHORIZED.exception("publishing from other hosts needs a publish-key");
            }
            if (h.contains("Forwarded") || h.contains("X-Forwarded-For") || h.contains("X-Real-IP")) {
                throw ErrorCode.UNAUTHORIZED.exception(
                        "this request came through a proxy (Forwarded, X-Forwarded-For or"
                                + " X-Real-IP); without a publish-key only direct loopback clients may publish");
            }
        } else {
            String auth = h.get(HttpHeaderNames.AUTHORIZATION);
            byte[] given = auth == null ? new byte[0] : auth.getBytes(StandardCharsets.UTF_8);
            if (!MessageDigest.isEqual(key, given)) {
                throw ErrorCode.UNAUTHORIZED.exception("missing or wrong publish key");
            }
        }
    }

    /** Logs, at start, a warning when a server on {@code host} without a key may be reached by other hosts. */
    public static void warnIfOpen(String host, String publishKey) {
        String warning = openWarning(host, publishKey);
        if (warning != null) {
            log.warn(warning);
        }
    }

    /** The warning to log at start when anyone who can reach {@code host} might publish, else null. */
    public static String openWarning(String host, String publishKey) {
        if (publishKey != null) {
            return null;
        }
        try {
            if (InetAddress.getByName(host).isLoopbackAddress()) {
                return null;
            }
        } catch (java.net.UnknownHostException e) {
            // Unknown here means it failed to bind anyway; warn all the same.
        }
        return "no publish-key while listening on " + host + ": /publish is open to loopback clients and to"
                + " anything a local proxy forwards without Forwarded/X-Forwarded-For/X-Real-IP; set publish-key";
    }
}
