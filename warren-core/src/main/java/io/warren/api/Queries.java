package io.warren.api;

import io.warren.spi.ClientDirectory.Entry;
import io.warren.spi.ClientDirectory.Page;
import io.warren.spi.ClientDirectory.PathCount;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * What the backend may ask about clients and interests: the same answers as {@code GET /api/presence},
 * {@code GET /api/paths}, {@code GET /api/clients/C} and {@code GET /api/users?user=U}, cluster-wide when
 * the node is clustered. Answered from the {@link io.warren.spi.ClientDirectory} (the read model), never
 * from the tunnel registry (which routes commands).
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
     * The clients of {@code user} (the identity's user) on every node, by client id, as {@link #client} shows
     * each: live for a client of this node, as of its last entry write for a client of another node. Found
     * through the directory's index by user, so a client of this node shows once its entry is written (when
     * it opens). Fails with {@code bad-request} for an empty user or one over 256 characters.
     */
    CompletionStage<Page<Entry>> user(String user, @Nullable String after, int limit);
}
