package io.warren.engine;

import io.warren.datagram.Datagram;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The tunnels of one shard that subscribed to a presence path with {@code "presence":true}, by path, and the
 * one place that decides what each of them is sent. Entered only with the gate's grant for that path
 * ({@link Shard#watch}); confined to the shard's thread.
 *
 * <p>Each watcher knows the version of the membership it was last shown. A change one past it is sent; one at
 * or below it is skipped (its list already shows it: no duplicate joins); any other version, a change the
 * fanout dropped for this shard ({@link #missed}) or a directory that may have lost announcements
 * ({@link #missedAll}) leaves it <em>stale</em>, and so does a first snapshot older than a change this shard
 * was handed while it was read ({@link #expect}). The stale watchers of a path are repaired together: one read
 * of the members per path at a time ({@link Reader}, coalesced across shards by its owner), then each gets the
 * snapshot (the same {@code /meta/presence} shape as the first one, so a client replaces its list) and the
 * changes held meanwhile that the snapshot does not show. Held changes are bounded ({@value #HELD}); beyond
 * them, or when the snapshot is older than what was missed, the path is read again. Never blocks.
 */
final class PresenceWatchers {
    static final int HELD = 64;

    /** Reads the members of a path for a resync; {@code then} runs on the shard thread, with null on failure. */
    interface Reader {
        void read(String path, Shard shard, Consumer<@Nullable Snapshot> then);
    }

    /** A path's members as of {@code version}, as the datagram a watcher gets. */
    record Snapshot(long version, Datagram datagram) {}

    private record Held(long version, Datagram datagram) {}

    /** A tunnel, the version its list shows, and whether it missed a change since. */
    private static final class Watcher {
        final Tunnel tunnel;
        long seen;
        boolean stale;

        Watcher(Tunnel tunnel, long seen) {
            this.tunnel = tunnel;
            this.seen = seen;
        }
    }

    /** The watchers of one path, and its resync: in flight or not, the version it must show, what is held. */
    private static final class Watched {
        final List<Watcher> list = new ArrayList<>(2);
        final List<Held> held = new ArrayList<>();
        boolean reading;
        boolean overflow;
        boolean anySnapshot; // after a directory gap: any read of this round is fresh enough
        long need; // the version the snapshot must show at least
        long newest;
        long last; // the newest change this shard was handed, so that a watcher joining late sees what it missed
        int pending; // watchers whose first snapshot is being read
        boolean gapWhilePending;
        int round;
        int tries;
    }

    private final Map<String, Watched> byPath = new HashMap<>();
    private final Shard shard;
    private final Reader reader;

    PresenceWatchers(Shard shard, Reader reader) {
        this.shard = shard;
        this.reader = reader;
    }

    /**
     * A watcher's first snapshot of {@code path} is about to be read: changes handed to this shard from now
     * on are remembered, so that one the snapshot does not show is not missed. Ends with {@link #add} or
     * {@link #unexpect}.
     */
    void expect(String path) {
        byPath.computeIfAbsent(path, k -> new Watched()).pending++;
    }

    /** The snapshot {@link #expect} announced will not come (refused, failed, the tunnel closed). */
    void unexpect(String path) {
        Watched w = byPath.get(path);
        if (w != null) {
            w.pending = Math.max(0, w.pending - 1);
            forgetIfIdle(path, w);
        }
    }

    /** {@code t} watches {@code path} from its snapshot of version {@code seen} on. */
    void add(String path, Tunnel t, long seen) {
        Watched w = byPath.computeIfAbsent(path, k -> new Watched());
        w.pending = Math.max(0, w.pending - 1);
        Watcher added = null;
        for (Watcher x : w.list) {
            if (x.tunnel == t) {
                added = x;
            }
        }
        if (added == null) {
            added = new Watcher(t, seen);
            w.list.add(added);
        }
        added.seen = seen;
        // A change came while its snapshot was read and the snapshot does not show it, or a gap came.
        added.stale = w.last > seen || w.gapWhilePending;
        w.gapWhilePending &= w.pending > 0;
        if (added.stale) {
            w.need = Math.max(w.need, w.last);
            resync(path, w);
        }
    }

    void remove(String path, Tunnel t) {
        Watched w = byPath.get(path);
        if (w != null && w.list.removeIf(x -> x.tunnel == t)) {
            forgetIfIdle(path, w);
        }
    }

    private void forgetIfIdle(String path, Watched w) {
        if (w.list.isEmpty() && w.pending == 0) {
            byPath.remove(path);
        }
    }

    /** Change {@code version} of {@code path} ({@code d}): sent to the watchers it follows on, held for the stale. */
    void deliver(String path, long version, Datagram d) {
        Watched w = byPath.get(path);
        if (w == null) {
            return;
        }
        w.last = Math.max(w.last, version);
        boolean stale = false;
        for (int i = 0; i < w.list.size(); i++) {
            Watcher x = w.list.get(i);
            if (!x.stale && version > x.seen) {
                if (version == x.seen + 1) {
                    x.seen = version;
                    if (x.tunnel.deliver(d)) {
                        x.tunnel.flush();
                    }
                } else {
                    x.stale = true; // a change between seen and version never came
                    w.need = Math.max(w.need, version - 1);
                }
            }
            stale |= x.stale;
        }
        if (stale) {
            hold(w, version, d);
            resync(path, w);
        }
    }

    /** The fanout dropped change {@code version} of {@code path} for this shard. */
    void missed(String path, long version) {
        Watched w = byPath.get(path);
        if (w == null) {
            return;
        }
        boolean stale = false;
        for (Watcher x : w.list) {
            x.stale |= x.seen < version;
            stale |= x.stale;
        }
        if (stale) {
            w.need = Math.max(w.need, version);
            resync(path, w);
        }
    }

    /** The directory may have lost announcements of any path: every watcher is repaired from a fresh read. */
    void missedAll() {
        for (Map.Entry<String, Watched> e : byPath.entrySet()) {
            Watched w = e.getValue();
            w.gapWhilePending = w.pending > 0; // a first snapshot being read may predate the loss too
            if (w.list.isEmpty()) {
                continue;
            }
            for (Watcher x : w.list) {
                x.stale = true;
            }
            w.round++; // a read already in flight may predate the loss: its answer is not enough
            w.reading = false;
            w.anySnapshot = true;
            resync(e.getKey(), w);
        }
    }

    private static void hold(Watched w, long version, Datagram d) {
        w.newest = Math.max(w.newest, version);
        if (w.held.size() < HELD) {
            w.held.add(new Held(version, d));
        } else {
            w.overflow = true;
        }
    }

    private void resync(String path, Watched w) {
        if (w.reading) {
            return;
        }
        w.reading = true;
        int round = w.round;
        reader.read(path, shard, s -> answered(path, w, round, s));
    }

    /** Shard thread: the read of a resync came back. */
    private void answered(String path, Watched w, int round, @Nullable Snapshot s) {
        if (byPath.get(path) != w || w.round != round) {
            return; // nobody watches any more, or a later round reads again
        }
        w.reading = false;
        if (s == null) {
            return; // the next change, or the directory's next gap, tries again
        }
        long floor = Math.max(w.need, w.overflow ? w.newest : 0);
        for (Watcher x : w.list) {
            if (x.stale) {
                floor = Math.max(floor, x.seen);
            }
        }
        // A read coalesced with one that began before the loss may not show it yet: read again, a few times
        // (after that the directory's versions went back, it lost its state, and the snapshot is the truth).
        if (s.version() < floor && !w.anySnapshot && ++w.tries < 3) {
            resync(path, w);
            return;
        }
        List<Held> held = new ArrayList<>(w.held);
        w.held.clear();
        w.overflow = false;
        w.anySnapshot = false;
        w.need = 0;
        w.newest = 0;
        w.tries = 0;
        for (Watcher x : w.list) {
            if (x.stale) {
                x.stale = false;
                x.seen = s.version();
                if (x.tunnel.deliver(s.datagram())) {
                    x.tunnel.flush();
                }
            }
        }
        held.sort(Comparator.comparingLong(Held::version));
        for (Held h : held) {
            deliver(path, h.version(), h.datagram()); // those the snapshot shows are skipped
        }
    }
}
