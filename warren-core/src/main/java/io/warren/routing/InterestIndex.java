package io.warren.routing;

import io.warren.path.Path;
import io.warren.path.PathPattern;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Which local subscribers want which paths, for one shard. Routing expands the published path into the
 * few pattern keys that can match it, instead of scanning subscriptions: for {@code /a/b/c} it looks up
 * exact {@code /a/b/c}, children of {@code /a/b}, descendants of {@code /**}, {@code /a} and
 * {@code /a/b}, and subtrees {@code /a}, {@code /a/b}, {@code /a/b/c}: O(depth) map lookups, whatever
 * the number of patterns. A subscriber matched by several patterns is offered the datagram once per
 * pattern; the caller de-duplicates (see {@code Tunnel#deliver}).
 *
 * <p>Not thread-safe: confined to its shard's thread, which is what makes it lock-free.
 *
 * @param <S> the subscriber type
 */
public final class InterestIndex<S> {
    private final Map<String, Subscribers<S>> exact = new HashMap<>();
    private final Map<String, Subscribers<S>> children = new HashMap<>();
    private final Map<String, Subscribers<S>> descendants = new HashMap<>();
    private final Map<String, Subscribers<S>> subtree = new HashMap<>();
    private int size;

    /**
     * Adds a pair the caller knows to be new (subscribers keep their own set of patterns), so that
     * adding stays O(1) however many subscribers a path has.
     */
    public void add(PathPattern pattern, S subscriber) {
        table(pattern).computeIfAbsent(pattern.base(), k -> new Subscribers<>()).add(subscriber);
        size++;
    }

    /** Removes; returns false when the subscriber did not hold the pattern. */
    public boolean remove(PathPattern pattern, S subscriber) {
        Map<String, Subscribers<S>> table = table(pattern);
        Subscribers<S> subs = table.get(pattern.base());
        if (subs == null || !subs.remove(subscriber)) {
            return false;
        }
        if (subs.isEmpty()) {
            table.remove(pattern.base());
        }
        size--;
        return true;
    }

    /** The number of (pattern, subscriber) pairs. */
    public int size() {
        return size;
    }

    /** Calls {@code sink} for each subscriber of each pattern matching {@code path}. */
    public void match(Path path, Consumer<? super S> sink) {
        offer(exact.get(path.toString()), sink);
        if (!path.isWildcardRoutable()) {
            return;
        }
        if (!children.isEmpty()) {
            offer(children.get(path.parent()), sink);
        }
        String[] prefixes = path.prefixes();
        if (!descendants.isEmpty()) {
            offer(descendants.get("/"), sink);
            for (int i = 0; i < prefixes.length - 1; i++) {
                offer(descendants.get(prefixes[i]), sink);
            }
        }
        if (!subtree.isEmpty()) {
            for (String prefix : prefixes) {
                offer(subtree.get(prefix), sink);
            }
        }
    }

    private static <S> void offer(Subscribers<S> subs, Consumer<? super S> sink) {
        if (subs != null) {
            subs.forEach(sink);
        }
    }

    private Map<String, Subscribers<S>> table(PathPattern p) {
        return switch (p.kind()) {
            case EXACT -> exact;
            case CHILDREN -> children;
            case DESCENDANTS -> descendants;
            case SUBTREE -> subtree;
        };
    }

    /** A compact array list: iteration is a plain loop; removal is a scan plus a swap with the last. */
    private static final class Subscribers<S> {
        private Object[] items = new Object[2];
        private int size;

        void add(S s) {
            if (size == items.length) {
                items = java.util.Arrays.copyOf(items, size * 2);
            }
            items[size++] = s;
        }

        boolean remove(S s) {
            for (int i = 0; i < size; i++) {
                if (items[i] == s) {
                    items[i] = items[--size];
                    items[size] = null;
                    return true;
                }
            }
            return false;
        }

        boolean isEmpty() {
            return size == 0;
        }

        @SuppressWarnings("unchecked")
        void forEach(Consumer<? super S> sink) {
            Object[] a = items;
            for (int i = 0, n = size; i < n; i++) {
                sink.accept((S) a[i]);
            }
        }
    }
}
