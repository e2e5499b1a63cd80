package io.warren;

import java.time.Duration;

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
 *                             (default {@value #DEFAULT_TUNNELS_PER_ADDRESS})
 * @param maxPathLength        characters of a published path or a subscribed pattern (at most
 *                             {@value #MAX_PATH_LENGTH}): {@code too-large}
 * @param maxPathDepth         segments of a published path or subscribed pattern (at most
 *                             {@value #MAX_PATH_DEPTH}): {@code too-large}
 * @param maxTunnels           tunnels this node holds at once, from all addresses, 0 for no limit:
 *                             {@code overloaded} (default {@link #defaultMaxTunnels()})
 * @param firstAttachTimeout   how long a tunnel whose client never came back after its first connection
 *                             stays before it is culled (the tunnel timeout applies when that is shorter,
 *                             and to every tunnel that re-attached at least once)
 */
public record Limits(
        int maxDatagramBytes,
        int eventsPerSecond,
        int eventsBurst,
        int maxTunnelsPerAddress,
        int maxPathLength,
        int maxPathDepth,
        int maxTunnels,
        Duration firstAttachTimeout) {

    /** The wire contract's longest path or pattern (docs/protocol.md); {@code io.warren.path.Path} reads it from here. */
    public static final int MAX_PATH_LENGTH = 256;
    /** The wire contract's deepest path or pattern, in segments. */
    public static final int MAX_PATH_DEPTH = 16;
    /** A browser opens one tunnel per tab: 100 covers an office or a carrier NAT, not a script. */
    public static final int DEFAULT_TUNNELS_PER_ADDRESS = 100;
    /** Heap budgeted per tunnel by {@link #defaultMaxTunnels()}: the tunnel (~6 KB) and its connection's buffers. */
    public static final long HEAP_PER_TUNNEL = 32 * 1024;

    public static Limits defaults() {
        return new Limits(
                32 * 1024,
                200,
                1000,
                DEFAULT_TUNNELS_PER_ADDRESS,
                MAX_PATH_LENGTH,
                MAX_PATH_DEPTH,
                defaultMaxTunnels(),
                Duration.ofSeconds(10));
    }

    /**
     * The largest heap this JVM may use divided by {@link #HEAP_PER_TUNNEL}, at least 1,000: tunnels alone can
     * then never take more than the heap (a 1 GB heap holds 32,768 tunnels).
     */
    public static int defaultMaxTunnels() {
        return (int)
                Math.min(Integer.MAX_VALUE, Math.max(1000, Runtime.getRuntime().maxMemory() / HEAP_PER_TUNNEL));
    }

    public Limits {
        if (maxDatagramBytes < 1
                || eventsPerSecond < 0
                || eventsBurst < 1
                || maxTunnelsPerAddress < 0
                || maxPathLength < 2
                || maxPathLength > MAX_PATH_LENGTH
                || maxPathDepth < 1
                || maxPathDepth > MAX_PATH_DEPTH
                || maxTunnels < 0
                || firstAttachTimeout == null
                || firstAttachTimeout.isNegative()
                || firstAttachTimeout.isZero()) {
            throw new IllegalArgumentException("limits out of range: max-datagram >= 1, events-per-second >= 0, "
                    + "events-burst >= 1, max-tunnels-per-address >= 0, max-path-length 2.."
                    + MAX_PATH_LENGTH + ", max-path-depth 1.." + MAX_PATH_DEPTH
                    + ", max-tunnels >= 0, first-attach-timeout > 0");
        }
    }

    public Limits withMaxDatagramBytes(int v) {
        return new Limits(
                v,
                eventsPerSecond,
                eventsBurst,
                maxTunnelsPerAddress,
                maxPathLength,
                maxPathDepth,
                maxTunnels,
                firstAttachTimeout);
    }

    public Limits withEventsPerSecond(int v) {
        return new Limits(
                maxDatagramBytes,
                v,
                eventsBurst,
                maxTunnelsPerAddress,
                maxPathLength,
                maxPathDepth,
                maxTunnels,
                firstAttachTimeout);
    }

    public Limits withEventsBurst(int v) {
        return new Limits(
                maxDatagramBytes,
                eventsPerSecond,
                v,
                maxTunnelsPerAddress,
                maxPathLength,
                maxPathDepth,
                maxTunnels,
                firstAttachTimeout);
    }

    public Limits withMaxTunnelsPerAddress(int v) {
        return new Limits(
                maxDatagramBytes,
                eventsPerSecond,
                eventsBurst,
                v,
                maxPathLength,
                maxPathDepth,
                maxTunnels,
                firstAttachTimeout);
    }

    public Limits withMaxPathLength(int v) {
        return new Limits(
                maxDatagramBytes,
                eventsPerSecond,
                eventsBurst,
                maxTunnelsPerAddress,
                v,
                maxPathDepth,
                maxTunnels,
                firstAttachTimeout);
    }

    public Limits withMaxPathDepth(int v) {
        return new Limits(
                maxDatagramBytes,
                eventsPerSecond,
                eventsBurst,
                maxTunnelsPerAddress,
                maxPathLength,
                v,
                maxTunnels,
                firstAttachTimeout);
    }

    public Limits withMaxTunnels(int v) {
        return new Limits(
                maxDatagramBytes,
                eventsPerSecond,
                eventsBurst,
                maxTunnelsPerAddress,
                maxPathLength,
                maxPathDepth,
                v,
                firstAttachTimeout);
    }

    public Limits withFirstAttachTimeout(Duration v) {
        return new Limits(
                maxDatagramBytes,
                eventsPerSecond,
                eventsBurst,
                maxTunnelsPerAddress,
                maxPathLength,
                maxPathDepth,
                maxTunnels,
                v);
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
