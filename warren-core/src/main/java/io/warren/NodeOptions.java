package io.warren;

import java.time.Duration;

/**
 * Engine settings. Immutable; build with {@link #defaults()} and the {@code with*} methods.
 *
 * @param tunnelTimeout     how long a tunnel may stay without an attached connection before it is culled
 * @param keepalive         idle interval after which a stream connection gets the format's keepalive
 * @param pollTimeout       how long a poll is held when there is nothing to send
 * @param replaySize        datagrams kept per tunnel for resume (and unacknowledged polls)
 * @param replayBytes       bytes kept per tunnel for resume, whichever bound is hit first
 * @param idempotencyWindow client-chosen ids remembered per tunnel for de-duplicating retries
 * @param maxInterests      patterns one tunnel may hold
 * @param presence          which paths announce their members, and the bounds ({@link PresenceOptions})
 * @param shardInboxLimit   datagrams waiting for one shard; past it a datagram is refused there (its
 *                          publisher, when on this node, is answered {@code overloaded}; the shard's
 *                          subscribers to its path are told of a gap)
 */
public record NodeOptions(
        Duration tunnelTimeout,
        Duration keepalive,
        Duration pollTimeout,
        int replaySize,
        long replayBytes,
        int idempotencyWindow,
        int maxInterests,
        int shardInboxLimit,
        PresenceOptions presence) {

    /** As the canonical constructor, without presence paths. */
    public NodeOptions(
            Duration tunnelTimeout,
            Duration keepalive,
            Duration pollTimeout,
            int replaySize,
            long replayBytes,
            int idempotencyWindow,
            int maxInterests,
            int shardInboxLimit) {
        this(
                tunnelTimeout,
                keepalive,
                pollTimeout,
                replaySize,
                replayBytes,
                idempotencyWindow,
                maxInterests,
                shardInboxLimit,
                PresenceOptions.none());
    }

    public static NodeOptions defaults() {
        return new NodeOptions(
                Duration.ofSeconds(60),
                Duration.ofSeconds(25),
                Duration.ofSeconds(25),
                256,
                256 * 1024,
                256,
                256,
                1 << 20);
    }

    public NodeOptions {
        java.util.Objects.requireNonNull(presence, "presence");
        positive(tunnelTimeout, "tunnel-timeout");
        positive(keepalive, "keepalive");
        positive(pollTimeout, "poll-timeout");
        if (replaySize < 1 || replayBytes < 1 || idempotencyWindow < 0 || maxInterests < 1 || shardInboxLimit < 1) {
            throw new IllegalArgumentException(
                    "replay-size, replay-bytes, max-interests and the inbox limit must be positive");
        }
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration");
        }
    }

    public NodeOptions withTunnelTimeout(Duration v) {
        return new NodeOptions(
                v,
                keepalive,
                pollTimeout,
                replaySize,
                replayBytes,
                idempotencyWindow,
                maxInterests,
                shardInboxLimit,
                presence);
    }

    public NodeOptions withKeepalive(Duration v) {
        return new NodeOptions(
                tunnelTimeout,
                v,
                pollTimeout,
                replaySize,
                replayBytes,
                idempotencyWindow,
                maxInterests,
                shardInboxLimit,
                presence);
    }

    public NodeOptions withPollTimeout(Duration v) {
        return new NodeOptions(
                tunnelTimeout,
                keepalive,
                v,
                replaySize,
                replayBytes,
                idempotencyWindow,
                maxInterests,
                shardInboxLimit,
                presence);
    }

    public NodeOptions withReplaySize(int v) {
        return new NodeOptions(
                tunnelTimeout,
                keepalive,
                pollTimeout,
                v,
                replayBytes,
                idempotencyWindow,
                maxInterests,
                shardInboxLimit,
                presence);
    }

    public NodeOptions withReplayBytes(long v) {
        return new NodeOptions(
                tunnelTimeout,
                keepalive,
                pollTimeout,
                replaySize,
                v,
                idempotencyWindow,
                maxInterests,
                shardInboxLimit,
                presence);
    }

    public NodeOptions withMaxInterests(int v) {
        return new NodeOptions(
                tunnelTimeout,
                keepalive,
                pollTimeout,
                replaySize,
                replayBytes,
                idempotencyWindow,
                v,
                shardInboxLimit,
                presence);
    }

    public NodeOptions withShardInboxLimit(int v) {
        return new NodeOptions(
                tunnelTimeout,
                keepalive,
                pollTimeout,
                replaySize,
                replayBytes,
                idempotencyWindow,
                maxInterests,
                v,
                presence);
    }

    public NodeOptions withPresence(PresenceOptions v) {
        return new NodeOptions(
                tunnelTimeout,
                keepalive,
                pollTimeout,
                replaySize,
                replayBytes,
                idempotencyWindow,
                maxInterests,
                shardInboxLimit,
                v);
    }

    /** How often each shard checks keepalives and culls: a quarter of the shortest timer, within [20 ms, 1 s]. */
    public Duration sweepInterval() {
        return sweepInterval(keepalive);
    }

    /** As {@link #sweepInterval()} when some format's keepalive interval is {@code shortestKeepalive}. */
    public Duration sweepInterval(Duration shortestKeepalive) {
        long shortest = Math.min(keepalive.toMillis(), shortestKeepalive.toMillis());
        long ms = Math.min(Math.min(tunnelTimeout.toMillis(), shortest), 4000) / 4;
        return Duration.ofMillis(Math.max(20, ms));
    }
}
