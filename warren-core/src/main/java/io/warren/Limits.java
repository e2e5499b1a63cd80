package io.warren;

/**
 * What one client may cost the node, enforced by the engine (the server adds its own transport limits:
 * body and header size, request timeouts). Each refusal names its error code. Immutable; build with
 * {@link #defaults()} and the {@code with*} methods; 0 disables a count limit.
 *
 * @param maxDatagramBytes     largest {@code data} of one datagram, in characters of its compact JSON text,
 *                             client or backend: {@code too-large}
 * @param eventsPerSecond      sustained client datagrams per second per tunnel (token bucket refill),
 *                             0 for no limit: {@code rate-limited}
 * @param eventsBurst          bucket size: datagrams a tunnel may send at once after being quiet
 * @param maxTunnelsPerAddress tunnels open at once from one client address, 0 for no limit: {@code too-many}
 * @param maxPathLength        characters of a published path or a subscribed pattern (at most
 *                             {@link io.warren.path.Path#MAX_LENGTH}): {@code too-large}
 * @param maxPathDepth         segments of a published path or subscribed pattern (at most
 *                             {@link io.warren.path.Path#MAX_DEPTH}): {@code too-large}
 */
public record Limits(
        int maxDatagramBytes,
        int eventsPerSecond,
        int eventsBurst,
        int maxTunnelsPerAddress,
        int maxPathLength,
        int maxPathDepth) {

    public static Limits defaults() {
        return new Limits(32 * 1024, 200, 1000, 0, io.warren.path.Path.MAX_LENGTH, io.warren.path.Path.MAX_DEPTH);
    }

    public Limits {
        if (maxDatagramBytes < 1 || eventsPerSecond < 0 || eventsBurst < 1 || maxTunnelsPerAddress < 0
                || maxPathLength < 2 || maxPathLength > io.warren.path.Path.MAX_LENGTH
                || maxPathDepth < 1 || maxPathDepth > io.warren.path.Path.MAX_DEPTH) {
            throw new IllegalArgumentException("limits out of range: max-datagram >= 1, events-per-second >= 0, "
                    + "events-burst >= 1, max-tunnels-per-address >= 0, max-path-length 2.."
                    + io.warren.path.Path.MAX_LENGTH + ", max-path-depth 1.." + io.warren.path.Path.MAX_DEPTH);
        }
    }

    public Limits withMaxDatagramBytes(int v) {
        return new Limits(v, eventsPerSecond, eventsBurst, maxTunnelsPerAddress, maxPathLength, maxPathDepth);
    }

    public Limits withEventsPerSecond(int v) {
        return new Limits(maxDatagramBytes, v, eventsBurst, maxTunnelsPerAddress, maxPathLength, maxPathDepth);
    }

    public Limits withEventsBurst(int v) {
        return new Limits(maxDatagramBytes, eventsPerSecond, v, maxTunnelsPerAddress, maxPathLength, maxPathDepth);
    }

    public Limits withMaxTunnelsPerAddress(int v) {
        return new Limits(maxDatagramBytes, eventsPerSecond, eventsBurst, v, maxPathLength, maxPathDepth);
    }

    public Limits withMaxPathLength(int v) {
        return new Limits(maxDatagramBytes, eventsPerSecond, eventsBurst, maxTunnelsPerAddress, v, maxPathDepth);
    }

    public Limits withMaxPathDepth(int v) {
        return new Limits(maxDatagramBytes, eventsPerSecond, eventsBurst, maxTunnelsPerAddress, maxPathLength, v);
    }

    /** Refuses a path or pattern text longer or deeper than allowed with {@code too-large}. */
    public void checkPath(String text, int depth) {
        if (text.length() > maxPathLength) {
            throw ErrorCode.TOO_LARGE.exception("paths may have at most " + maxPathLength + " characters");
        }
        if (depth > maxPathDepth) {
            throw ErrorCode.TOO_LARGE.exception("paths may have at most " + maxPathDepth + " segments");
        }
    }
}
