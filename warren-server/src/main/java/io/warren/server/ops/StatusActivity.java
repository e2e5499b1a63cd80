package io.warren.server.ops;

import io.warren.api.TunnelView;
import io.warren.datagram.Datagram;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the status page shows beyond the meters: publish counts per path (bounded) and the latest tunnel
 * openings and culls. Not exported to Prometheus: a label per path would be unbounded cardinality.
 */
final class StatusActivity {
    /** Distinct paths counted for "top paths"; publishes to further paths are counted as {@code other}. */
    static final int MAX_PATHS = 1024;
    /** Tunnel openings and culls kept, newest first. */
    static final int RECENT = 20;

    private final ConcurrentHashMap<String, LongAdder> paths = new ConcurrentHashMap<>();
    private final LongAdder otherPaths = new LongAdder();
    /** Touched only when tunnels come and go, so a lock is cheap enough. */
    private final ArrayDeque<String[]> recent = new ArrayDeque<>();

    /** Counts one publish to {@code d}'s path; meta paths are not application traffic. */
    void published(Datagram d) {
        if (d.path().isMeta()) {
            return;
        }
        String p = d.path().toString();
        LongAdder n = paths.get(p);
        if (n == null) {
            if (paths.size() >= MAX_PATHS) {
                otherPaths.increment();
                return;
            }
            n = paths.computeIfAbsent(p, k -> new LongAdder());
        }
        n.increment();
    }

    /** Client ids and subjects are public; the secret tunnel id is never kept here. */
    void remember(String event, TunnelView t) {
        String[] e = {event, t.clientId(), t.identity().subject(), Long.toString(System.currentTimeMillis())};
        synchronized (recent) {
            if (recent.size() == RECENT) {
                recent.removeLast();
            }
            recent.addFirst(e);
        }
    }

    /** The latest openings and culls, newest first: {event, client id, subject or null, epoch millis}. */
    List<String[]> recentTunnels() {
        synchronized (recent) {
            return new ArrayList<>(recent);
        }
    }

    /** Publish counts per path since start, largest first, at most {@code n}. */
    List<Map.Entry<String, Long>> topPaths(int n) {
        List<Map.Entry<String, Long>> all = new ArrayList<>(paths.size());
        paths.forEach((k, v) -> all.add(Map.entry(k, v.sum())));
        all.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        return all.size() > n ? all.subList(0, n) : all;
    }
}
