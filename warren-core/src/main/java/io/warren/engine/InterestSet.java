package io.warren.engine;

import io.warren.path.PathPattern;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/** A tunnel's interests: a compact insertion-ordered set (most tunnels hold a handful). Shard thread. */
final class InterestSet {
    private static final PathPattern[] NONE = new PathPattern[0];

    private PathPattern[] patterns = NONE;
    private int size;

    boolean contains(PathPattern p) {
        return indexOf(p) >= 0;
    }

    int size() {
        return size;
    }

    /** Adds {@code p}; false when already present. */
    boolean add(PathPattern p) {
        if (indexOf(p) >= 0) {
            return false;
        }
        if (size == patterns.length) {
            patterns = Arrays.copyOf(patterns, Math.max(2, size * 2));
        }
        patterns[size++] = p;
        return true;
    }

    boolean remove(PathPattern p) {
        int i = indexOf(p);
        if (i < 0) {
            return false;
        }
        // keep insertion order (snapshot() reports it)
        System.arraycopy(patterns, i + 1, patterns, i, size - i - 1);
        patterns[--size] = null;
        return true;
    }

    /** A snapshot, in the order the patterns were added. */
    Set<PathPattern> snapshot() {
        if (size == 0) {
            return Set.of();
        }
        return new LinkedHashSet<>(Arrays.asList(patterns).subList(0, size));
    }

    private int indexOf(PathPattern p) {
        PathPattern[] a = patterns;
        for (int i = 0, n = size; i < n; i++) {
            if (a[i].equals(p)) {
                return i;
            }
        }
        return -1;
    }
}
