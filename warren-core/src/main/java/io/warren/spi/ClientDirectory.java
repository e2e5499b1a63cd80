package io.warren.spi;

import io.warren.path.PathPattern;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Who is connected and interested in what, cluster-wide: the clients of every node with their interests
 * (for the backend's queries, {@code /api/presence}, {@code /api/paths}, {@code /api/clients/C},
 * {@code /api/users}) and the members of presence paths (for {@code /meta/presence}). A single node uses the
 * memory implementation ({@code io.warren.broker.MemoryDirectory}); a cluster one on shared infrastructure
 * (Redis).
 *
 * <p><b>What it owns, and what it does not.</b> The directory is the one owner of the public read model:
 * public client id (and user, and pattern) to {@link Entry}, for answering queries. It never names a tunnel
 * id (a bearer secret) and is never used to route: "which node holds tunnel T, forward this command to it"
 * belongs to the {@link TunnelRegistry} ({@link TunnelRegistry#tunnelOfClient},
 * {@link TunnelRegistry#tunnelsOfUser}, {@link TunnelRegistry#forward}), which keeps its own lookups by
 * client and user because forwarding needs the tunnel id. Conversely, nothing answers a query from the
 * registry. The two are written from the same events (open, interest change, refresh, close) and may
 * disagree for a moment; each is right for its own question.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Entries.</b> A node {@linkplain #put puts} the entry of each client it holds when the client
 *   opens, when its interests change and when the tunnel records are refreshed; an entry lives for the
 *   {@code ttl} of its last put (so a dead node's clients disappear), and {@link #remove} takes it out at
 *   once, but only when the entry still names the removing node (a client taken over by another node
 *   stays). An entry's interests replace the previous ones, and the interest index follows.</li>
 *   <li><b>Index by user.</b> An entry with a user is found by {@link #users} under that user (and only
 *   that one) for as long as the entry lives: a put that changes the user moves it, a remove or an expiry
 *   takes it out. Anonymous entries (null user) are under no user.</li>
 *   <li><b>Queries</b> see every node's entries, ordered (clients by id, patterns by key) and paged: at most
 *   {@code limit} items after the {@code after} cursor (exclusive), with the total count and the cursor
 *   of the next page (null on the last). They read; they never change what they read.</li>
 *   <li><b>Presence.</b> {@link #join} records a member of a presence path; a client already recorded is
 *   not announced again (a takeover or a re-subscribe is no join). {@link #leave} removes it when the
 *   member still names the leaving node. Every recorded join and every leave is announced to the
 *   {@link Listener} of every node, its own included, with the path's version (one more per change), so
 *   that a snapshot ({@link #members}) and announcements can be put in order, and a listener can tell a
 *   version it missed; an implementation that may lose announcements says so with {@link Listener#gap()}. Bounded: at
 *   most {@code maxMembers} per path and {@code maxPaths} paths with members.</li>
 *   <li><b>Threading.</b> Methods are thread-safe, never block, and complete their stage later (or at
 *   once). The listener may be called from any thread.</li>
 * </ul>
 *
 * Every implementation must pass the shared contract test suite ({@code ClientDirectoryContract}).
 */
public interface ClientDirectory extends AutoCloseable {

    /** Starts; {@code listener} hears of joins and leaves on every node. Called once, first. */
    CompletionStage<Void> start(Listener listener);

    /** Writes the entries of clients this node holds, each expiring {@code ttl} after this write. */
    CompletionStage<Void> put(Collection<Entry> entries, Duration ttl);

    /** Removes the entry of {@code client} when it still names {@code node}. */
    CompletionStage<Void> remove(String client, String node);

    /** The entry of {@code client}, or null when no node holds it. */
    CompletionStage<@Nullable Entry> client(String client);

    /**
     * Clients holding an interest whose key is one of {@code keys}, or (when {@code under} is not null) any
     * interest whose pattern lies at or below the path {@code under}; by client id, after {@code after}.
     */
    CompletionStage<Page<Entry>> holders(
            Collection<String> keys, @Nullable String under, @Nullable String after, int limit);

    /** The clients whose entry names {@code user}, on every node; by client id, after {@code after}. */
    CompletionStage<Page<Entry>> users(String user, @Nullable String after, int limit);

    /** Patterns held by at least one client whose key starts with {@code prefix}, with counts; by key. */
    CompletionStage<Page<PathCount>> paths(String prefix, @Nullable String after, int limit);

    /**
     * Records {@code member} on the presence path {@code path} ({@code ttl}: as an entry's; refreshed by
     * joining again) and announces it when it was not recorded yet.
     */
    CompletionStage<Joined> join(String path, Member member, Duration ttl, int maxMembers, int maxPaths);

    /** Removes {@code client} from {@code path} when its member names {@code node}, and announces it. */
    CompletionStage<Void> leave(String path, String client, String node);

    /**
     * The members of {@code path} (at most {@code max}, by client id), how many there are, and the version of
     * the path's membership they show.
     */
    CompletionStage<Members> members(String path, int max);

    @Override
    void close();

    /** What a join came to. */
    enum Joined {
        /** Recorded now: announced. */
        JOINED,
        /** Recorded already (its expiry refreshed): not announced. */
        ALREADY,
        /** The path has {@code maxMembers} members: not recorded. */
        FULL,
        /** {@code maxPaths} paths have members and this is not one of them: not recorded. */
        TOO_MANY_PATHS
    }

    /** Hears of presence changes on every node. */
    interface Listener {
        /**
         * Members joined or left {@code path}; {@code version} counts the changes of the path's membership
         * (a {@link Members} snapshot of version V already shows every change up to V).
         */
        void presence(String path, long version, List<Member> joined, List<Member> left);

        /**
         * Announcements may have been lost (the implementation's connection to its shared store was down and
         * is back, subscribed again): the node re-reads the members of every path it watches. Called once
         * the implementation announces again; any thread. An implementation that cannot lose announcements
         * never calls it.
         */
        default void gap() {}
    }

    /**
     * One client as the cluster knows it.
     *
     * @param client    the public client id
     * @param user      the identity's user, null for an anonymous client
     * @param info      the identity's public profile (a JSON object as text), or null
     * @param interests its interests (its own client path excluded)
     * @param attached  whether a connection was attached when the entry was written
     * @param format    the format of the last attached connection, or null
     * @param node      the node that holds it
     */
    record Entry(
            String client,
            @Nullable String user,
            @Nullable String info,
            List<PathPattern> interests,
            boolean attached,
            @Nullable String format,
            String node) {
        public Entry {
            interests = List.copyOf(interests);
        }

        public Member member() {
            return new Member(client, user, info, node);
        }
    }

    /** A member of a presence path: the client, its user and public profile, and the node that holds it. */
    record Member(
            String client, @Nullable String user, @Nullable String info, String node) {}

    /** The members of a presence path: at most the asked number, how many in all, and the version shown. */
    record Members(List<Member> items, int count, long version) {
        public Members {
            items = List.copyOf(items);
        }
    }

    /** A pattern held by {@code count} clients. */
    record PathCount(PathPattern pattern, int count) {}

    /**
     * One page of a query: {@code items} in order, {@code count} in all (every page), and the cursor of the
     * next page, or null when this is the last.
     */
    record Page<T>(List<T> items, int count, @Nullable String next) {
        public Page {
            items = List.copyOf(items);
        }
    }
}
