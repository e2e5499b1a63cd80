package io.warren.server.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Lifecycle hooks (docs/backend-api.md): where the server POSTs tunnel events, how it signs them and how
 * hard it tries. Immutable; {@link #OFF} when no URL is set.
 *
 * @param url       the application's endpoint (http or https), or null: hooks off
 * @param secret    key of the HMAC-SHA256 signature ({@code X-Warren-Signature}); required with a URL
 * @param queue     events waiting to be sent, at most; beyond it they are counted and dropped
 * @param batch     events per request, at most
 * @param linger    how long a batch waits to fill up before it is sent anyway
 * @param timeout   deadline of one request (connect, send, answer)
 * @param retries   attempts after the first failed one before a batch is given up (and counted)
 * @param backoff   wait before the first retry; doubled each time (with jitter) up to a minute
 */
public record HookOptions(
        URI url,
        String secret,
        int queue,
        int batch,
        Duration linger,
        Duration timeout,
        int retries,
        Duration backoff) {

    /** Shortest accepted secret: as for the publish key, long enough that guessing is hopeless. */
    public static final int MIN_SECRET = 16;

    public static final HookOptions OFF = new HookOptions(
            null, null, 10_000, 100, Duration.ofMillis(50), Duration.ofSeconds(5), 8, Duration.ofMillis(250));

    public HookOptions {
        if (url != null && (secret == null || secret.length() < MIN_SECRET)) {
            // The secret is never shown, not even when too short.
            throw new IllegalArgumentException("hook-url needs a hook-secret of at least " + MIN_SECRET
                    + " characters (WARREN_HOOK_SECRET; the given value is not shown)");
        }
        if (queue < 1 || batch < 1 || retries < 0) {
            throw new IllegalArgumentException("hook-queue and hook-batch must be positive, hook-retries at least 0");
        }
        Objects.requireNonNull(linger);
        Objects.requireNonNull(timeout);
        Objects.requireNonNull(backoff);
    }

    /** Hooks to {@code url} signed with {@code secret}, every other setting as {@link #OFF} has it. */
    public static HookOptions to(URI url, String secret) {
        return OFF.with(url, secret);
    }

    public boolean enabled() {
        return url != null;
    }

    public HookOptions with(URI u, String s) {
        return new HookOptions(u, s, queue, batch, linger, timeout, retries, backoff);
    }

    public HookOptions withQueue(int q, int b, Duration l) {
        return new HookOptions(url, secret, q, b, l, timeout, retries, backoff);
    }

    public HookOptions withRetries(Duration t, int r, Duration b) {
        return new HookOptions(url, secret, queue, batch, linger, t, r, b);
    }

    @Override
    public String toString() {
        return "HookOptions[url=" + url + ", queue=" + queue + ", batch=" + batch + ", retries=" + retries + "]";
    }
}
