package io.warren.server.config;

import io.warren.path.PathPattern;
import io.warren.spi.HistoryRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code history:} from the configuration file: a mapping from path pattern to
 * {@code {size: N, ttl: DURATION}} (a pattern may end in {@code " +subpaths"} for a subtree); the first
 * matching pattern wins.
 */
final class HistoryConfig {
    private static final String SUBTREE = " +subpaths";

    private HistoryConfig() {}

    static List<HistoryRule> read(Object defined) {
        if (defined == null) {
            return List.of();
        }
        if (!(defined instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("history must be a mapping from path pattern to {size, ttl}");
        }
        List<HistoryRule> rules = new ArrayList<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String pattern = String.valueOf(e.getKey());
            if (!(e.getValue() instanceof Map<?, ?> v)
                    || !(v.get("size") instanceof Number size)
                    || v.get("ttl") == null) {
                throw new IllegalArgumentException("history." + pattern + " must be {size: N, ttl: DURATION}");
            }
            try {
                boolean subtree = pattern.endsWith(SUBTREE);
                PathPattern p = PathPattern.parse(
                        subtree ? pattern.substring(0, pattern.length() - SUBTREE.length()) : pattern, subtree);
                rules.add(new HistoryRule(p, size.intValue(), Units.duration(String.valueOf(v.get("ttl")))));
            } catch (RuntimeException x) {
                throw new IllegalArgumentException("history." + pattern + ": " + x.getMessage());
            }
        }
        return rules;
    }
}
