package io.warren.engine;

/** A token bucket that starts full; the caller passes the time, so tests drive it with a manual clock. */
final class TokenBucket {
    private double tokens = -1; // -1 until first use
    private long atNanos;

    /** Takes one token ({@code rate} per second, {@code burst} at most); false when empty. A rate of 0 or less never limits. */
    boolean take(long now, int rate, int burst) {
        if (rate <= 0) {
            return true;
        }
        if (tokens < 0) {
            tokens = burst;
        } else {
            tokens = Math.min(burst, tokens + (now - atNanos) * rate / 1e9);
        }
        atNanos = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
