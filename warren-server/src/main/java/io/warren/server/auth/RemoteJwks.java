package io.warren.server.auth;

import com.nimbusds.jose.jwk.JWKSet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JWKS fetched from a URL with the JDK's asynchronous HTTP client, never on an event loop: cached, fetched
 * again when older than {@code refresh} or when a token names an unknown key id, at most once per
 * 10 s (or {@code refresh} when shorter) so that tokens with made-up key ids cannot make the server hammer the key server.
 * While a fetch fails the last good set stays in use. A fetch must complete within 5 s, body included, and
 * stop at 1 MiB ({@link BoundedHttp}).
 */
final class RemoteJwks {
    private static final Logger log = LoggerFactory.getLogger(RemoteJwks.class);
    private static final Duration MIN_INTERVAL = Duration.ofSeconds(10);
    private static final int MAX_BYTES = 1 << 20;
    /** For the whole fetch, body included ({@link BoundedHttp}). */
    private static final Duration FETCH_DEADLINE = Duration.ofSeconds(5);

    private final URI url;
    private final Duration refresh;
    private final HttpClient http;
    private volatile JWKSet current = new JWKSet();
    private volatile long fetchedAtNanos;
    private volatile boolean loaded;
    private CompletableFuture<JWKSet> inFlight;

    RemoteJwks(URI url, Duration refresh, HttpClient http) {
        this.url = url;
        this.refresh = refresh;
        this.http = http;
    }

    JWKSet current() {
        return current;
    }

    /** The current set, fetched first when it is stale or {@code unknownKid} is not in it. Never fails. */
    CompletionStage<JWKSet> get(String unknownKid) {
        long now = System.nanoTime();
        long age = now - fetchedAtNanos;
        boolean stale = !loaded || age > refresh.toNanos();
        boolean missing = unknownKid != null && current.getKeyByKeyId(unknownKid) == null;
        long minInterval = Math.min(MIN_INTERVAL.toNanos(), refresh.toNanos());
        if ((stale || missing) && (!loaded || age > minInterval)) {
            return fetch();
        }
        return CompletableFuture.completedFuture(current);
    }

    private synchronized CompletableFuture<JWKSet> fetch() {
        if (inFlight != null) {
            return inFlight;
        }
        HttpRequest req = HttpRequest.newBuilder(url)
                .timeout(FETCH_DEADLINE)
                .header("Accept", "application/json")
                .GET()
                .build();
        CompletableFuture<JWKSet> f = BoundedHttp.send(http, req, MAX_BYTES, FETCH_DEADLINE)
                .handle((r, e) -> {
                    try {
                        if (e != null) {
                            throw new IllegalStateException(e.toString());
                        }
                        if (r.statusCode() != 200) {
                            throw new IllegalStateException("status " + r.statusCode());
                        }
                        current = JWKSet.parse(r.body());
                    } catch (Exception ex) {
                        log.warn(
                                "fetching JWKS from {} failed: {}; keeping {} known keys",
                                url,
                                ex.getMessage(),
                                current.getKeys().size());
                    }
                    fetchedAtNanos = System.nanoTime();
                    loaded = true;
                    synchronized (this) {
                        inFlight = null;
                    }
                    return current;
                });
        if (!f.isDone()) {
            inFlight = f;
        }
        return f;
    }
}
