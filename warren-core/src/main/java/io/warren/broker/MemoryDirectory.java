package io.warren.broker;

import io.warren.path.PathPattern;
import io.warren.spi.ClientDirectory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The single-node {@link ClientDirectory}: maps in memory behind one lock (writes are a few map operations
 * per subscribe; queries copy at most a page). Announcements go to the listener on the calling thread,
 * under the lock, so that they keep their order. Expired entries and members are dropped at most once a
 * second, by the next call.
 */
public final class MemoryDirectory implements ClientDirectory {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private static final long PURGE_EVERY_NANOS = 1_000_000_000L;

    private final LongSupplier clock;
    private final Map<String, Held<Entry>> entries = new HashMap<>();
    /** Pattern key -> clients holding it. */
    private final TreeMap<String, Holders> index = new TreeMap<>();
    /** User -> its clients. */
    private final Map<String, TreeSet<String>> byUser = new HashMap<>();
    /** Presence path -> client -> member. */
    private final Map<String, TreeMap<String, Held<Member>>> presence = new HashMap<>();
    /** Presence path -> the version of its membership (kept when the path empties, so versions never repeat). */
    private final Map<String, Long> versions = new HashMap<>();

    private @Nullable Listener listener;
    private long nextPurge;

    public MemoryDirectory() {
        this(System::nanoTime);
    }

    /** With a nanosecond clock (tests drive expiry with a manual one). */
    public MemoryDirectory(LongSupplier clock) {
        this.clock = clock;
        this.nextPurge = clock.getAsLong();
    }

    private record Held<T>(T value, long deadline) {}

    private record Holders(PathPattern pattern, TreeSet<String> clients) {}

    @Override
    public synchronized CompletionStage<Void> start(Listener l) {
        this.listener = Objects.requireNonNull(l);
        return DONE;
    }

    @Override
    public synchronized CompletionStage<Void> put(Collection<Entry> batch, Duration ttl) {
        long deadline = clock.getAsLong() + ttl.toNanos();
        for (Entry e : batch) {
            Held<Entry> old = entries.put(e.client(), new Held<>(e, deadline));
            if (old != null) {
                unindex(old.value());
            }
            for (PathPattern p : e.interests()) {
                index.computeIfAbsent(p.key(), k -> new Holders(p, new TreeSet<>()))
                        .clients()
                        .add(e.client());
            }
            if (e.user() != null) {
                byUser.computeIfAbsent(e.user(), u -> new TreeSet<>()).add(e.client());
            }
        }
        purgeIfDue();
        return DONE;
    }

    @Override
    public synchronized CompletionStage<Void> remove(String client, String node) {
        Held<Entry> held = entries.get(client);
        if (held != null && held.value().node().equals(node)) {
            entries.remove(client);
            unindex(held.value());
        }
        return DONE;
    }

    private void unindex(Entry e) {
        for (PathPattern p : e.interests()) {
            Holders h = index.get(p.key());
            if (h != null && h.clients().remove(e.client()) && h.clients().isEmpty()) {
                index.remove(p.key());
            }
        }
        TreeSet<String> mine = e.user() == null ? null : byUser.get(e.user());
        if (mine != null && mine.remove(e.client()) && mine.isEmpty()) {
            byUser.remove(e.user());
        }
    }

    @Override
    public synchronized CompletionStage<@Nullable Entry> client(String client) {
        purgeIfDue();
        Held<Entry> held = entries.get(client);
        return CompletableFuture.completedFuture(live(held) ? held.value() : null);
    }

    @Override
    public synchronized CompletionStage<Page<Entry>> holders(
            Collection<String> keys, @Nullable String under, @Nullable String after, int limit) {
        purgeIfDue();
        TreeSet<String> clients = new TreeSet<>();
        for (String k : keys) {
            Holders h = index.get(k);
            if (h != null) {
                clients.addAll(h.clients());
            }
        }
        if (under != null) {
            for (Holders h :
                    index.subMap(under, true, under + Character.MAX_VALUE, true).values()) {
                String base = h.pattern().base();
                if (under.equals("/") || base.equals(under) || base.startsWith(under + "/")) {
                    clients.addAll(h.clients());
                }
            }
        }
        return CompletableFuture.completedFuture(page(clients, after, limit));
    }

    @Override
    public synchronized CompletionStage<Page<Entry>> users(String user, @Nullable String after, int limit) {
        purgeIfDue();
        TreeSet<String> clients = new TreeSet<>(byUser.getOrDefault(user, new TreeSet<>()));
        return CompletableFuture.completedFuture(page(clients, after, limit));
    }

    /** The live entries of {@code clients} (changed: the dead are taken out), one page after {@code after}. */
    private Page<Entry> page(NavigableSet<String> clients, @Nullable String after, int limit) {
        clients.removeIf(c -> !live(entries.get(c)));
        NavigableSet<String> rest = after == null ? clients : clients.tailSet(after, false);
        List<Entry> page = new ArrayList<>(Math.min(limit, rest.size()));
        for (String c : rest) {
            if (page.size() == limit) {
                break;
            }
            page.add(entries.get(c).value());
        }
        String next = page.size() == limit && rest.size() > limit
                ? page.get(limit - 1).client()
                : null;
        return new Page<>(page, clients.size(), next);
    }

    @Override
    public synchronized CompletionStage<Page<PathCount>> paths(String prefix, @Nullable String after, int limit) {
        purgeIfDue();
        List<PathCount> all = new ArrayList<>();
        for (Holders h :
                index.subMap(prefix, true, prefix + Character.MAX_VALUE, true).values()) {
            int n = 0;
            for (String c : h.clients()) {
                if (live(entries.get(c))) {
                    n++;
                }
            }
            if (n > 0) {
                all.add(new PathCount(h.pattern(), n));
            }
        }
        int from = 0;
        if (after != null) {
            while (from < all.size() && all.get(from).pattern().key().compareTo(after) <= 0) {
                from++;
            }
        }
        List<PathCount> page = all.subList(from, Math.min(all.size(), from + limit));
        String next =
                from + limit < all.size() ? page.get(page.size() - 1).pattern().key() : null;
        return CompletableFuture.completedFuture(new Page<>(page, all.size(), next));
    }

    @Override
    public synchronized CompletionStage<Joined> join(
            String path, Member member, Duration ttl, int maxMembers, int maxPaths) {
        purgeIfDue();
        long deadline = clock.getAsLong() + ttl.toNanos();
        TreeMap<String, Held<Member>> members = presence.get(path);
        if (members == null) {
            if (presence.size() >= maxPaths) {
                return CompletableFuture.completedFuture(Joined.TOO_MANY_PATHS);
            }
            members = new TreeMap<>();
            presence.put(path, members);
        }
        Held<Member> old = members.get(member.client());
        if (old != null) {
            members.put(member.client(), new Held<>(member, deadline));
            return CompletableFuture.completedFuture(Joined.ALREADY);
        }
        if (members.size() >= maxMembers) {
            return CompletableFuture.completedFuture(Joined.FULL);
        }
        members.put(member.client(), new Held<>(member, deadline));
        announce(path, List.of(member), List.of());
        return CompletableFuture.completedFuture(Joined.JOINED);
    }

    @Override
    public synchronized CompletionStage<Void> leave(String path, String client, String node) {
        TreeMap<String, Held<Member>> members = presence.get(path);
        Held<Member> held = members == null ? null : members.get(client);
        if (held != null && held.value().node().equals(node)) {
            members.remove(client);
            if (members.isEmpty()) {
                presence.remove(path);
            }
            announce(path, List.of(), List.of(held.value()));
        }
        return DONE;
    }

    @Override
    public synchronized CompletionStage<Members> members(String path, int max) {
        purgeIfDue();
        TreeMap<String, Held<Member>> members = presence.getOrDefault(path, new TreeMap<>());
        List<Member> page = new ArrayList<>(Math.min(max, members.size()));
        for (Held<Member> m : members.values()) {
            if (page.size() == max) {
                break;
            }
            page.add(m.value());
        }
        return CompletableFuture.completedFuture(new Members(page, members.size(), versions.getOrDefault(path, 0L)));
    }

    private boolean live(@Nullable Held<?> held) {
        return held != null && held.deadline() - clock.getAsLong() > 0;
    }

    private void announce(String path, List<Member> joined, List<Member> left) {
        long version = versions.merge(path, 1L, Long::sum);
        Listener l = listener;
        if (l != null) {
            l.presence(path, version, joined, left);
        }
    }

    /** Drops what expired (announcing the members that left), at most once per second. */
    private void purgeIfDue() {
        long now = clock.getAsLong();
        if (now - nextPurge < 0) {
            return;
        }
        nextPurge = now + PURGE_EVERY_NANOS;
        entries.values().removeIf(h -> {
            boolean gone = !live(h);
            if (gone) {
                unindex(h.value());
            }
            return gone;
        });
        presence.entrySet().removeIf(p -> {
            List<Member> left = new ArrayList<>();
            p.getValue().values().removeIf(h -> {
                boolean gone = !live(h);
                if (gone) {
                    left.add(h.value());
                }
                return gone;
            });
            if (!left.isEmpty()) {
                announce(p.getKey(), List.of(), left);
            }
            return p.getValue().isEmpty();
        });
    }

    @Override
    public synchronized void close() {
        entries.clear();
        index.clear();
        byUser.clear();
        presence.clear();
        versions.clear();
    }
}
