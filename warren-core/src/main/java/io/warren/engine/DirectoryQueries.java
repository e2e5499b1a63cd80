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
 * {@link Queries} answered from the {@link ClientDirectory}, with this node's own clients live: a path is
 * expanded into the few pattern keys that can match it, as routing does ({@code InterestIndex}).
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
        Tunnel t = presence.local(client);
        if (t == null) {
            return presence.directory().client(client);
        }
        CompletableFuture<@Nullable Entry> live = new CompletableFuture<>();
        t.shard().executor().execute(() -> live.complete(t.isClosed() ? null : presence.entry(t)));
        return live;
    }

    @Override
    public CompletionStage<List<Entry>> user(String user) {
        if (user.isEmpty() || user.length() > 256) {
            return CompletableFuture.failedFuture(ErrorCode.BAD_REQUEST.exception("user is 1 to 256 characters"));
        }
        List<CompletableFuture<@Nullable Entry>> live = new ArrayList<>();
        for (Tunnel t : tunnels.user(user)) {
            if (!t.identity().isInternal() && live.size() < MAX_LIMIT) {
                CompletableFuture<@Nullable Entry> e = new CompletableFuture<>();
                try {
                    t.shard().executor().execute(() -> e.complete(t.isClosed() ? null : presence.entry(t)));
                } catch (RuntimeException shutdown) {
                    e.complete(null);
                }
                live.add(e);
            }
        }
        return CompletableFuture.allOf(live.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> {
                    List<Entry> out = new ArrayList<>(live.size());
                    for (CompletableFuture<@Nullable Entry> f : live) {
                        Entry e = f.join();
                        if (e != null) {
                            out.add(e);
                        }
                    }
                    out.sort(java.util.Comparator.comparing(Entry::client));
                    return out;
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
