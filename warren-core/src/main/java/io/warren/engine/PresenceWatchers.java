package io.warren.engine;

import io.warren.datagram.Datagram;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tunnels of one shard that subscribed to a presence path with {@code "presence":true}, by path. Entered
 * only with the gate's grant for that path ({@link Shard#watch}); confined to the shard's thread.
 */
final class PresenceWatchers {
    private final Map<String, List<Watcher>> byPath = new HashMap<>();

    /** A tunnel and the version of the membership its snapshot showed: older announcements are skipped. */
    private static final class Watcher {
        final Tunnel tunnel;
        long seen;

        Watcher(Tunnel tunnel, long seen) {
            this.tunnel = tunnel;
            this.seen = seen;
        }
    }

    /** {@code t} watches {@code path} from its snapshot of version {@code seen} on. */
    void add(String path, Tunnel t, long seen) {
        List<Watcher> list = byPath.computeIfAbsent(path, k -> new ArrayList<>(2));
        for (Watcher w : list) {
            if (w.tunnel == t) {
                w.seen = seen;
                return;
            }
        }
        list.add(new Watcher(t, seen));
    }

    void remove(String path, Tunnel t) {
        List<Watcher> list = byPath.get(path);
        if (list != null && list.removeIf(w -> w.tunnel == t) && list.isEmpty()) {
            byPath.remove(path);
        }
    }

    /** Hands {@code d} (change {@code version} of {@code path}) to the watchers that have not seen it. */
    void deliver(String path, long version, Datagram d) {
        List<Watcher> list = byPath.get(path);
        if (list == null) {
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            Watcher w = list.get(i);
            if (version > w.seen && w.tunnel.deliver(d)) {
                w.tunnel.flush();
            }
        }
    }
}
