package io.warren.engine;

import io.warren.ErrorCode;
import io.warren.NodeOptions;
import io.warren.PresenceOptions;
import io.warren.api.NodeListener;
import io.warren.datagram.Ack;
import io.warren.datagram.ControlDatagrams;
import io.warren.datagram.Datagram;
import io.warren.datagram.DatagramIds;
import io.warren.path.Path;
import io.warren.path.PathPattern;
import io.warren.spi.ClientDirectory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of this node's part in the {@link ClientDirectory}: the entry of each client it holds
 * (written when the client opens and when its interests change, refreshed with the tunnel records, removed
 * when it closes), its membership of presence paths ({@link PresenceOptions}: a client holding an exact
 * interest in a presence path is a member while its tunnel lives, so a client that re-attaches within the
 * tunnel timeout never left), and the {@code /meta/presence} datagrams of watchers ({@code "presence":true}).
 *
 * <p>Per-tunnel methods run on the tunnel's shard thread; the directory's announcements arrive on any thread
 * and go to every shard's watchers through a bounded queue per shard ({@link PresenceFanout}), as one
 * datagram built once. Watchers that missed a change ({@link PresenceWatchers} decides) are repaired from a
 * read of the members that this class coalesces per path: one read in flight per path, its snapshot
 * datagram built once and handed to every shard that asked.
 */
final class Presence implements ClientDirectory.Listener, PresenceWatchers.Reader {
    private static final Logger log = LoggerFactory.getLogger(Presence.class);

    private final ClientDirectory directory;
    private final Supplier<NodeOptions> options;
    private final DatagramIds ids;
    private final PresenceFanout fanout;
    /** Presence path -> the read of its members in flight for resyncs; bounded by the paths watched. */
    private final ConcurrentHashMap<String, CompletableFuture<PresenceWatchers.Snapshot>> reads =
            new ConcurrentHashMap<>();

    Presence(
            ClientDirectory directory,
            Supplier<NodeOptions> options,
            DatagramIds ids,
            Supplier<Shard[]> shards,
            NodeListener listener) {
        this.directory = directory;
        this.options = options;
        this.ids = ids;
        this.fanout = new PresenceFanout(shards, listener);
    }

    ClientDirectory directory() {
        return directory;
    }

    /** The parsed patterns of the options last seen (options change on reload). */
    private volatile Parsed parsed = new Parsed(PresenceOptions.none(), List.of());

    private record Parsed(PresenceOptions options, List<PathPattern> patterns) {}

    /** Whether {@code pattern}, an interest, is a presence path: exact, and matched by a presence pattern. */
    boolean covers(PathPattern pattern) {
        PresenceOptions po = options.get().presence();
        if (pattern.kind() != PathPattern.Kind.EXACT || po.patterns().isEmpty()) {
            return false;
        }
        Parsed p = parsed;
        if (!p.options().equals(po)) {
            List<PathPattern> list = new ArrayList<>();
            for (String text : po.patterns()) {
                try {
                    list.add(PathPattern.parse(text));
                } catch (RuntimeException e) {
                    log.warn("presence pattern '{}' ignored: {}", text, e.getMessage());
                }
            }
            p = new Parsed(po, List.copyOf(list));
            parsed = p;
        }
        Path path = Path.of(pattern.base());
        for (PathPattern pp : p.patterns()) {
            if (pp.matches(path)) {
                return true;
            }
        }
        return false;
    }

    /** This node's name in entries and members. */
    String node() {
        return ids.tag();
    }

    /** Shard thread: the entry of {@code t} as it stands. */
    ClientDirectory.Entry entry(Tunnel t) {
        Delivery d = t.delivery();
        return new ClientDirectory.Entry(
                t.clientId(),
                t.identity().user(),
                t.identity().info(),
                List.copyOf(t.interests()),
                d != null,
                d == null ? null : d.connection().format().name(),
                node());
    }

    private ClientDirectory.Member member(Tunnel t) {
        return new ClientDirectory.Member(
                t.clientId(), t.identity().user(), t.identity().info(), node());
    }

    /** Whether {@code t} is kept out of the directory: a tunnel the server opened for itself. */
    private static boolean internal(Tunnel t) {
        return t.identity().isInternal();
    }

    /** Shard thread: a tunnel was registered on this node. */
    void opened(Tunnel t) {
        if (internal(t)) {
            return;
        }
        save(t);
    }

    /** Shard thread: {@code t} holds {@code p} now. */
    void subscribed(Tunnel t, PathPattern p) {
        if (internal(t)) {
            return;
        }
        save(t);
        PresenceOptions po = options.get().presence();
        if (covers(p)) {
            directory
                    .join(p.base(), member(t), options.get().tunnelTimeout(), po.maxMembers(), po.maxPaths())
                    .whenComplete((j, e) -> {
                        if (e != null) {
                            log.debug("presence join failed: {}", e.toString());
                        }
                    });
        }
    }

    /** Shard thread: {@code t} let go of {@code p}; {@code closing} when the tunnel is being removed. */
    void unsubscribed(Tunnel t, PathPattern p, boolean closing) {
        if (internal(t)) {
            return;
        }
        if (!closing) {
            save(t);
        }
        if (covers(p)) {
            directory.leave(p.base(), t.clientId(), node());
        }
    }

    /** Shard thread: {@code t} is gone from this node; its entry goes too unless another node took it over. */
    void closed(Tunnel t, boolean superseded) {
        if (!superseded && !internal(t)) {
            directory.remove(t.clientId(), node());
        }
    }

    /** Shard thread: writes the entries of {@code tunnels} again (with the tunnel records) and their joins. */
    void refresh(List<Tunnel> tunnels) {
        List<ClientDirectory.Entry> entries = new ArrayList<>(tunnels.size());
        PresenceOptions po = options.get().presence();
        for (Tunnel t : tunnels) {
            if (internal(t)) {
                continue;
            }
            entries.add(entry(t));
            for (PathPattern p : t.interests()) {
                if (covers(p)) {
                    directory.join(p.base(), member(t), options.get().tunnelTimeout(), po.maxMembers(), po.maxPaths());
                }
            }
        }
        if (!entries.isEmpty()) {
            directory.put(entries, options.get().tunnelTimeout());
        }
    }

    private void save(Tunnel t) {
        directory.put(List.of(entry(t)), options.get().tunnelTimeout()).whenComplete((v, e) -> {
            if (e != null) {
                log.debug("writing a directory entry failed: {}", e.toString());
            }
        });
    }

    /**
     * Shard thread of {@code t}, after the gate granted {@code grant} and the interest is active: {@code t}
     * hears of joins and leaves from now on, and first gets the current members. {@code too-many} (and the
     * interest dropped again) when the path could not be recorded because too many paths have members.
     */
    CompletionStage<Ack> watch(Tunnel t, AccessGate.SubscribeGrant grant, Interests interests, String ref) {
        PathPattern p = grant.pattern();
        PresenceOptions po = options.get().presence();
        CompletableFuture<Ack> ack = new CompletableFuture<>();
        onShard(t, () -> t.shard().expectWatch(p.base()));
        directory
                .join(p.base(), member(t), options.get().tunnelTimeout(), po.maxMembers(), po.maxPaths())
                .thenCompose(joined -> {
                    if (joined == ClientDirectory.Joined.TOO_MANY_PATHS) {
                        return CompletableFuture.completedFuture(null);
                    }
                    return directory.members(p.base(), po.maxMembers());
                })
                .whenComplete((members, e) -> onShard(t, () -> {
                    if (e != null || members == null || t.isClosed()) {
                        t.shard().unexpectWatch(p.base());
                    }
                    if (e != null) {
                        ack.complete(Ack.error(ErrorCode.OVERLOADED, "presence could not be read", ref));
                    } else if (members == null) {
                        interests.unsubscribe(t, p);
                        ack.complete(Ack.error(
                                ErrorCode.TOO_MANY, "at most " + po.maxPaths() + " presence paths have members", ref));
                    } else if (t.isClosed()) {
                        ack.complete(Ack.error(ErrorCode.UNKNOWN_TUNNEL, "the tunnel was closed", ref));
                    } else {
                        t.shard().watch(t, grant, members.version());
                        if (t.deliver(snapshot(p.base(), members))) {
                            t.flush();
                        }
                        ack.complete(Ack.ok(null, ref));
                    }
                }));
        return ack;
    }

    /** Runs {@code task} on {@code t}'s shard: at once when already there. */
    private static void onShard(Tunnel t, Runnable task) {
        if (t.shard().executor().inShard()) {
            task.run();
        } else {
            t.shard().executor().execute(task);
        }
    }

    /** The directory announces joins and leaves (any thread): one datagram, to every shard's watchers. */
    @Override
    public void presence(
            String path, long version, List<ClientDirectory.Member> joined, List<ClientDirectory.Member> left) {
        fanout.deliver(path, version, ControlDatagrams.presenceChange(ids.next(), path, json(joined), json(left)));
    }

    /** The directory may have lost announcements: reads in flight may predate the loss; every watcher resyncs. */
    @Override
    public void gap() {
        log.warn("presence announcements may have been lost; watchers get the members again");
        reads.clear();
        fanout.missedAll();
    }

    /** A shard's watchers of {@code path} missed a change: one read per path in flight, for every shard asking. */
    @Override
    public void read(String path, Shard shard, Consumer<PresenceWatchers.@Nullable Snapshot> then) {
        CompletableFuture<PresenceWatchers.Snapshot> mine = new CompletableFuture<>();
        CompletableFuture<PresenceWatchers.Snapshot> read = reads.putIfAbsent(path, mine);
        if (read == null) {
            read = mine;
            try {
                directory.members(path, options.get().presence().maxMembers()).whenComplete((m, e) -> {
                    reads.remove(path, mine);
                    if (e != null) {
                        log.debug("presence of {} could not be read again: {}", path, e.toString());
                        mine.completeExceptionally(e);
                    } else {
                        mine.complete(new PresenceWatchers.Snapshot(m.version(), snapshot(path, m)));
                    }
                });
            } catch (RuntimeException e) {
                reads.remove(path, mine);
                mine.completeExceptionally(e);
            }
        }
        read.whenComplete((s, e) -> {
            try {
                shard.executor().execute(() -> then.accept(e == null ? s : null));
            } catch (RuntimeException x) {
                log.debug("presence snapshot not delivered to shard {}: {}", shard.index(), x.toString());
            }
        });
    }

    /** The {@code /meta/presence} datagram of {@code members}: a watcher's first, and its resyncs. */
    private Datagram snapshot(String path, ClientDirectory.Members members) {
        return ControlDatagrams.presenceMembers(ids.next(), path, json(members.items()), members.count());
    }

    private static List<String> json(List<ClientDirectory.Member> members) {
        List<String> out = new ArrayList<>(members.size());
        for (ClientDirectory.Member m : members) {
            out.add(ControlDatagrams.member(m.client(), m.user(), m.info()));
        }
        return out;
    }
}
