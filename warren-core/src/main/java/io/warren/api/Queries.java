package io.warren.api;

import io.warren.spi.ClientDirectory.Entry;
import io.warren.spi.ClientDirectory.Page;
import io.warren.spi.ClientDirectory.PathCount;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * What the backend may ask about clients and interests: the same answers as {@code GET /api/presence},
 * {@code GET /api/paths} and {@code GET /api/clients/C}, cluster-wide when the node is clustered.
 *
 * <p>Threads: any; stages complete later and never block the caller. Paging: a query returns at most
 * {@code limit} items (1 to {@link #MAX_LIMIT}) after the cursor {@code after} (the {@code next} of the
 * previous page; null for the first), and the total count. A page is read at one moment: clients that come
 * or go between pages may be missed or appear once more, never twice on one page. Bad input (a malformed
 * path, a limit out of range) fails the stage with a {@code WarrenException} ({@code bad-path},
 * {@code bad-request}).
 */
public interface Queries {
    /** The largest page. */
    int MAX_LIMIT = 1000;

    /** The page size when none is asked for. */
    int DEFAULT_LIMIT = 100;

    /**
     * Clients holding an interest that matches {@code path} (they would receive a datagram published there),
     * by client id; with {@code subpaths}, also those holding an interest in a path below it.
     */
    CompletionStage<Page<Entry>> presence(String path, boolean subpaths, @Nullable String after, int limit);

    /** Patterns some client holds whose key starts with {@code prefix} ({@code /} for all), with counts, by key. */
    CompletionStage<Page<PathCount>> paths(String prefix, @Nullable String after, int limit);

    /**
     * The client {@code client}: its user, public profile, interests, whether a connection is attached, its
     * format and its node; null when no node holds it. Live for a client of this node, as of its last entry
     * write (at most a third of the tunnel timeout old) for a client of another node.
     */
    CompletionStage<@Nullable Entry> client(String client);

    /**
     * The clients of {@code user} (the identity's user) that this node holds, live, by client id; at most
     * {@link #MAX_LIMIT}. Only this node's: the cluster's directory keeps no index by user, so in a cluster a
     * caller asks each node (or names the client, {@link #client}). Fails with {@code bad-request} for an
     * empty user or one over 256 characters.
     */
    CompletionStage<List<Entry>> user(String user);
}
