package io.warren;

import io.warren.path.Path;
import io.warren.path.PathPattern;
import java.util.List;

/**
 * Which paths announce their members ({@code presence} in the configuration) and how far presence may grow.
 * A member of a presence path is a client holding an exact interest in it; a tunnel that subscribes to it
 * with {@code "presence":true} hears who is there and who comes and goes ({@code /meta/presence}).
 * Immutable.
 *
 * @param patterns   the paths that keep presence (exact, {@code /a/*}, {@code /a/**}); empty: none
 * @param maxMembers members recorded per presence path; a client joining a full path subscribes as usual
 *                   but is not recorded nor announced (the snapshot says {@code "full":true})
 * @param maxPaths   presence paths with members at once (on this node); a path beyond it keeps
 *                   no presence, and {@code "presence":true} on it is answered {@code too-many}
 */
public record PresenceOptions(List<PathPattern> patterns, int maxMembers, int maxPaths) {
    public PresenceOptions {
        patterns = List.copyOf(patterns);
        if (maxMembers < 1 || maxPaths < 1) {
            throw new IllegalArgumentException("presence-max-members and presence-max-paths must be positive");
        }
        for (PathPattern p : patterns) {
            if (p.kind() == PathPattern.Kind.SUBTREE) {
                throw new IllegalArgumentException("presence patterns are exact, /a/* or /a/**, not " + p.key());
            }
        }
    }

    /** No presence paths; the default. */
    public static PresenceOptions none() {
        return new PresenceOptions(List.of(), 100, 10_000);
    }

    /** Presence on {@code patterns} with the default bounds (100 members per path, 10,000 paths). */
    public static PresenceOptions of(List<PathPattern> patterns) {
        return new PresenceOptions(patterns, 100, 10_000);
    }

    public PresenceOptions withMaxMembers(int v) {
        return new PresenceOptions(patterns, v, maxPaths);
    }

    public PresenceOptions withMaxPaths(int v) {
        return new PresenceOptions(patterns, maxMembers, v);
    }

    /** Whether {@code pattern}, an interest, is a presence path: exact, and matched by a presence pattern. */
    public boolean covers(PathPattern pattern) {
        if (pattern.kind() != PathPattern.Kind.EXACT || patterns.isEmpty()) {
            return false;
        }
        Path path = Path.of(pattern.base());
        for (PathPattern p : patterns) {
            if (p.matches(path)) {
                return true;
            }
        }
        return false;
    }
}
