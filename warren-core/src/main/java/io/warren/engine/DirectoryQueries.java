package io.warren.engine;

import io.warren.ErrorCode;
import io.warren.api.Queries;
import io.warren.path.Path;
import io.warren.spi.ClientDirectory;
import io.warren.spi.ClientDirectory.Entry;
import io.warren.spi.ClientDirectory.Page;
import io.warren.spi.ClientDirectory.PathCount;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * {@link Queries} answered from the {@link ClientDirectory} (the read model; never from the tunnel
 * registry, which routes commands), with this node's own clients live (found in this node's
 * {@link Directory}): a path is expanded into the few pattern keys that can match it, as routing does
 * ({@code InterestIndex}).
 */
final class DirectoryQueries implements Queries {
    private final Presence presence;
    private final Directory tunnels;

    DirectoryQueries(Presence presence, Directory tunnels) {
        this.presence = presence;
        this.tunnels = tunnels;
    }

    @Override
    public CompletionStage<Page<Entry>> presence(String path, boolean subpaths, @Nullable String after, int limit) {
        try {
            checkLimit(limit);
            Path p = Path.of(path);
            return presence.directory().holders(keysMatching(p), subpaths ? p.toString() : null, after, limit);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletionStage<Page<PathCount>> paths(String prefix, @Nullable String after, int limit) {
        try {
            checkLimit(limit);
            if (!prefix.startsWith("/")) {
                throw ErrorCode.BAD_PATH.exception("prefix must start with /");
            }
            return presence.directory().paths(prefix, after, limit);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletionStage<@Nullable Entry> client(String client) {
        Tunnel t = local(client);
        return t == null ? presence.directory().client(client) : live(t);
    }

    @Override
    public CompletionStage<Page<Entry>> user(String user, @Nullable String after, int limit) {
        try {
            checkLimit(limit);
            if (user.isEmpty() || user.length() > 256) {
                throw ErrorCode.BAD_REQUEST.exception("user is 1 to 256 characters");
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return presence.directory().users(user, after, limit).thenCompose(this::liveHere);
    }

    /** This node's tunnel of {@code client}, unless it is one the server opened for itself. */
    private @Nullable Tunnel local(String client) {
        Tunnel t = tunnels.client(client);
        return t == null || t.identity().isInternal() ? null : t;
    }

    /** The entry of this node's {@code t} as it stands, read on its shard; null once it ended. */
    private CompletionStage<@Nullable Entry> live(Tunnel t) {
        CompletableFuture<@Nullable Entry> e = new CompletableFuture<>();
        try {
            t.shard().executor().execute(() -> e.complete(t.isClosed() ? null : presence.entry(t)));
        } catch (RuntimeException shutdown) {
            e.complete(null);
        }
        return e;
    }

    /**
     * {@code page} with the entries of this node's clients read live (as {@link #client} answers), those that
     * ended meanwhile left out; the others as the directory has them.
     */
    private CompletionStage<Page<Entry>> liveHere(Page<Entry> page) {
        List<CompletableFuture<@Nullable Entry>> items =
                new ArrayList<>(page.items().size());
        for (Entry e : page.items()) {
            Tunnel t = local(e.client());
            items.add(t == null ? CompletableFuture.completedFuture(e) : live(t).toCompletableFuture());
        }
        return CompletableFuture.allOf(items.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> {
                    List<Entry> out = new ArrayList<>(items.size());
                    for (CompletableFuture<@Nullable Entry> f : items) {
                        Entry e = f.join();
                        if (e != null) {
                            out.add(e);
                        }
                    }
                    return new Page<>(out, page.count(), page.next());
                });
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ErrorCode.BAD_REQUEST.exception("limit must be 1 to " + MAX_LIMIT);
        }
    }

    /** The keys of every pattern that matches {@code p}: exact, children, descendants and subtrees. */
    static List<String> keysMatching(Path p) {
        List<String> keys = new ArrayList<>();
        keys.add(p.toString());
        if (!p.isWildcardRoutable()) {
            return keys;
        }
        String parent = p.parent();
        keys.add(parent.equals("/") ? "/*" : parent + "/*");
        keys.add("/**");
        String[] prefixes = p.prefixes();
        for (int i = 0; i < prefixes.length; i++) {
            if (i < prefixes.length - 1) {
                keys.add(prefixes[i] + "/**");
            }
            keys.add(prefixes[i] + " +subpaths");
        }
        return keys;
    }
}
