package io.warren;

import java.util.List;

/**
 * Which paths announce their members ({@code presence} in the configuration) and how far presence may grow.
 * A member of a presence path is a client holding an exact interest in it; a tunnel that subscribes to it
 * with {@code "presence":true} hears who is there and who comes and goes ({@code /meta/presence}).
 * Immutable.
 *
 * @param patterns   the paths that keep presence, as written ({@code /a/b}, {@code /a/*}, {@code /a/**});
 *                   empty: none. The engine parses them (a malformed one matches nothing; the server's
 *                   configuration refuses it)
 * @param maxMembers members recorded per presence path; a client joining a full path subscribes as usual
 *                   but is not recorded nor announced
 * @param maxPaths   presence paths with members at once; a path beyond it keeps no presence, and
 *                   {@code "presence":true} on it is answered {@code too-many}
 */
public record PresenceOptions(List<String> patterns, int maxMembers, int maxPaths) {
    public PresenceOptions {
        patterns = List.copyOf(patterns);
        if (maxMembers < 1 || maxPaths < 1) {
            throw new IllegalArgumentException("presence-max-members and presence-max-paths must be positive");
        }
    }

    /** No presence paths; the default. */
    public static PresenceOptions none() {
        return of(List.of());
    }

    /** Presence on {@code patterns} with the default bounds (100 members per path, 10,000 paths). */
    public static PresenceOptions of(List<String> patterns) {
        return new PresenceOptions(patterns, 100, 10_000);
    }

    public PresenceOptions withMaxMembers(int v) {
        return new PresenceOptions(patterns, v, maxPaths);
    }

    public PresenceOptions withMaxPaths(int v) {
        return new PresenceOptions(patterns, maxMembers, v);
    }
}
