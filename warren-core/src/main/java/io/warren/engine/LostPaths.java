package io.warren.engine;

import io.warren.path.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The paths of datagrams one shard's full inbox refused, kept until the shard thread tells the tunnels
 * that may have wanted them of a gap. Bounded: past {@link #MAX} paths it keeps none and says
 * "everyone" instead, since a gap told to every tunnel of the shard is always safe, only less precise.
 *
 * <p>{@link #record} is called from any thread, {@link #take} from the shard thread. A lock is enough:
 * both run only while the shard is overloaded, never on the routing fast path ({@link #pending} is a
 * volatile read).
 */
final class LostPaths {
    static final int MAX = 64;

    private final List<Path> paths = new ArrayList<>();
    private boolean everyone;
    private volatile boolean pending;

    /** Keeps {@code path} until the next {@link #take}. */
    synchronized void record(Path path) {
        pending = true;
        if (everyone) {
            return;
        }
        if (paths.size() == MAX) {
            everyone = true;
            paths.clear();
        } else if (!paths.contains(path)) {
            paths.add(path);
        }
    }

    /** Whether anything was lost since the last {@link #take}. */
    boolean pending() {
        return pending;
    }

    /** The lost paths, forgotten here; null when more were lost than kept, so every tunnel must be told. */
    synchronized @Nullable List<Path> take() {
        List<Path> out = everyone ? null : List.copyOf(paths);
        paths.clear();
        everyone = false;
        pending = false;
        return out;
    }
}
