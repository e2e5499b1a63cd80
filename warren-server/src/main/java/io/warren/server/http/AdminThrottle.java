package io.warren.server.http;

import io.warren.ErrorCode;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down admin key guessing: after {@value #MAX_FAILURES} wrong keys from one address within
 * {@value #WINDOW_SECONDS} seconds, that address is refused (429 {@code too-many}), right key or not,
 * until the window has passed. At most {@value #MAX_ADDRESSES} addresses are tracked; past that, all
 * further addresses share one entry, so a flood of addresses cannot grow memory or dodge the limit.
 */
final class AdminThrottle {
    static final int MAX_FAILURES = 10;
    static final int WINDOW_SECONDS = 60;
    static final int MAX_ADDRESSES = 4096;
    private static final String OVERFLOW = "*";

    /** Failures of one address in its current window. */
    private record Window(long startNanos, int failures) {}

    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    /** Throws {@code too-many} while {@code address} is locked out. */
    void check(String address) {
        Window w = windows.get(key(address));
        if (w != null && w.failures >= MAX_FAILURES && !expired(w, System.nanoTime())) {
            throw ErrorCode.TOO_MANY.exception("too many wrong admin keys from this address; try again in a minute");
        }
    }

    /** Counts a wrong key from {@code address}. */
    void failed(String address) {
        long now = System.nanoTime();
        if (windows.size() >= MAX_ADDRESSES) {
            windows.values().removeIf(w -> expired(w, now));
        }
        windows.compute(
                key(address),
                (k, w) -> w == null || expired(w, now) ? new Window(now, 1) : new Window(w.startNanos, w.failures + 1));
    }

    private String key(String address) {
        return windows.containsKey(address) || windows.size() < MAX_ADDRESSES ? address : OVERFLOW;
    }

    private static boolean expired(Window w, long now) {
        return now - w.startNanos > WINDOW_SECONDS * 1_000_000_000L;
    }
}
