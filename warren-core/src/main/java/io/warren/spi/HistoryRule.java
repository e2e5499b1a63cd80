package io.warren.spi;

import io.warren.path.Path;
import io.warren.path.PathPattern;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Per-path history: every path {@code pattern} matches keeps its last {@code size} datagrams, none older
 * than {@code ttl}, so that a new subscriber may ask for them ({@code /meta/subscribe} with
 * {@code "recent": N} or {@code "since": ID}). Immutable.
 */
public record HistoryRule(PathPattern pattern, int size, Duration ttl) {
    /** Paths one node keeps history for at most (in memory); the least recently used go first. */
    public static final int MAX_PATHS = 10_000;

    public HistoryRule {
        if (size < 1 || size > 10_000) {
            throw new IllegalArgumentException("history size must be 1..10000, not " + size);
        }
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("history ttl must be a positive duration");
        }
    }

    /** The first rule whose pattern matches {@code path}, or null. */
    public static @Nullable HistoryRule find(List<HistoryRule> rules, Path path) {
        for (HistoryRule r : rules) {
            if (r.pattern.matches(path)) {
                return r;
            }
        }
        return null;
    }
}
