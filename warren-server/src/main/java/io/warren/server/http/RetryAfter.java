package io.warren.server.http;

import io.warren.ErrorCode;

/**
 * The one owner of the {@code Retry-After} header on error answers: how long, in seconds, a client should
 * wait before asking again after a refusal that says "not now" rather than "no". Other codes get none.
 */
final class RetryAfter {
    /** A per-address cap ({@code too-many}) frees a slot only when one of that address's tunnels ends. */
    static final int TOO_MANY_SECONDS = 5;
    /** {@code overloaded}: the node is full or shutting down; spread the returning clients out. */
    static final int OVERLOADED_SECONDS = 5;
    /** {@code rate-limited}: the token bucket refills within a second. */
    static final int RATE_LIMITED_SECONDS = 1;

    private RetryAfter() {}

    /** Seconds to put in {@code Retry-After} for an answer with {@code code}; 0 means no header. */
    static int seconds(ErrorCode code) {
        return switch (code) {
            case TOO_MANY -> TOO_MANY_SECONDS;
            case OVERLOADED -> OVERLOADED_SECONDS;
            case RATE_LIMITED -> RATE_LIMITED_SECONDS;
            default -> 0;
        };
    }
}
