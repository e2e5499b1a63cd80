package io.warren.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warren.ErrorCode;
import io.warren.WarrenException;
import io.warren.server.config.SecurityOptions;
import io.warren.spi.Authenticator;
import io.warren.spi.Identity;
import io.warren.spi.OpenRequest;
import io.warren.spi.Permissions;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the application: for each tunnel open, a {@code GET} to the configured URL carrying the open
 * request's {@code Cookie} header, the configured headers, and {@code X-Forwarded-For} with the client
 * address. The application answers 200 with
 * {@code {"subject": S, "subscribe": [...], "publish": [...], "expires": EPOCH_SECONDS, "info": {...}}} (all
 * optional; {@code subject} is the user, {@code info} the public profile, see {@link InfoClaim}) to allow, 401 or 403 to refuse (answered 401 {@code unauthorized} / 403 {@code forbidden}); anything
 * else, no complete answer within the timeout (which covers the body too), or an answer over 64 KiB
 * (refused while reading it, see {@link BoundedHttp}) is 503 {@code overloaded}.
 *
 * <p>The call goes through the JDK's asynchronous HTTP client: no event loop waits for it. Thread-safe.
 */
public final class CallbackAuthenticator implements Authenticator {
    private static final Logger log = LoggerFactory.getLogger(CallbackAuthenticator.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ANSWER = 64 * 1024;

    private final SecurityOptions.Callback settings;
    private final HttpClient http;

    /** Headers the JDK client sets itself (or Warren does); forwarding them is a configuration error. */
    private static final java.util.Set<String> RESERVED =
            java.util.Set.of("connection", "content-length", "expect", "host", "upgrade", "cookie", "x-forwarded-for");

    public CallbackAuthenticator(SecurityOptions.Callback settings, HttpClient http) {
        for (String h : settings.headers()) {
            if (RESERVED.contains(h.toLowerCase(java.util.Locale.ROOT)) || !h.matches("[A-Za-z0-9-]{1,64}")) {
                throw new IllegalArgumentException("auth-callback-headers: '" + h + "' cannot be forwarded"
                        + " (Cookie and X-Forwarded-For are always sent; hop-by-hop headers never are)");
            }
        }
        this.settings = settings;
        this.http = http;
    }

    @Override
    public CompletionStage<Identity> authenticate(OpenRequest request) {
        HttpRequest.Builder b = HttpRequest.newBuilder(settings.url())
                .timeout(settings.timeout())
                .GET()
                .header("Accept", "application/json");
        String cookie = request.header("Cookie");
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        for (String h : settings.headers()) {
            String v = request.header(h);
            if (v != null) {
                b.header(h, v);
            }
        }
        if (request.remoteAddress() != null) {
            b.header("X-Forwarded-For", request.remoteAddress());
        }
        return BoundedHttp.send(http, b.build(), MAX_ANSWER, settings.timeout()).handle((r, e) -> {
            if (e != null) {
                log.warn("auth callback {} failed: {}", settings.url(), e.toString());
                if (BoundedHttp.cause(e, BoundedHttp.TooLarge.class) != null) {
                    throw ErrorCode.OVERLOADED.exception(
                            "the authentication service answered more than " + MAX_ANSWER / 1024 + " KiB");
                }
                if (BoundedHttp.cause(e, java.util.concurrent.TimeoutException.class) != null
                        || BoundedHttp.cause(e, java.net.http.HttpTimeoutException.class) != null) {
                    throw ErrorCode.OVERLOADED.exception("the authentication service did not answer within "
                            + settings.timeout().toMillis() + " ms");
                }
                throw ErrorCode.OVERLOADED.exception("the authentication service did not answer");
            }
            return identity(r);
        });
    }

    private Identity identity(HttpResponse<String> r) {
        switch (r.statusCode()) {
            case 200:
                break;
            case 401:
                throw ErrorCode.UNAUTHORIZED.exception("the application refused the credentials");
            case 403:
                throw ErrorCode.FORBIDDEN.exception("the application refused the tunnel");
            default:
                log.warn("auth callback {} answered {}", settings.url(), r.statusCode());
                throw ErrorCode.OVERLOADED.exception("the authentication service failed");
        }
        try {
            JsonNode n = JSON.readTree(r.body());
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException("answer is not a JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = JSON.convertValue(n, Map.class);
            Map<String, Object> attributes = new HashMap<>();
            attributes.put(Permissions.ATTRIBUTE, PermissionClaims.read(m));
            String info = InfoClaim.fromAnswer(n.get("info"));
            if (info != null) {
                attributes.put(Identity.INFO_ATTRIBUTE, info);
            }
            JsonNode subject = n.get("subject");
            JsonNode expires = n.get("expires");
            return new Identity(
                    subject != null && subject.isTextual() ? subject.asText() : "",
                    attributes,
                    expires != null && expires.canConvertToLong() ? Instant.ofEpochSecond(expires.asLong()) : null);
        } catch (WarrenException e) {
            log.warn("auth callback {} answered bad permissions or info: {}", settings.url(), e.getMessage());
            throw ErrorCode.OVERLOADED.exception("the authentication service answered nonsense");
        } catch (Exception e) {
            log.warn("auth callback {} answered nonsense: {}", settings.url(), e.toString());
            throw ErrorCode.OVERLOADED.exception("the authentication service answered nonsense");
        }
    }
}
