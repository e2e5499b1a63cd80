package io.warren.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * This node's tunnels: by their secret id (for every request naming a tunnel), and by their public names for
 * the backend's commands ({@link BackendCommands}): by client id, and by user (the identity's {@code user()};
 * anonymous tunnels have none). Written when the node registers and drops a tunnel ({@code Node.add},
 * {@code Node.drop}), read by any thread. Holds exactly the tunnels the node holds, so it is bounded by the
 * tunnel limit.
 */
final class Directory {
    /** Keyed by {@link TunnelIds#lookupKey} of the tunnel id, so no lookup compares secret ids in variable time. */
    private final ConcurrentHashMap<String, Tunnel> byId = new ConcurrentHashMap<>();

    private final ConcurrentHashMap<String, Tunnel> byClient = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<Tunnel>> byUser = new ConcurrentHashMap<>();

    /** Registers {@code t}; false (and nothing changes) when its id is registered already. */
    boolean add(Tunnel t) {
        if (byId.putIfAbsent(TunnelIds.lookupKey(t.id()), t) != null) {
            return false;
        }
        byClient.put(t.clientId(), t);
        String user = user(t);
        if (user != null) {
            byUser.compute(user, (k, s) -> {
                Set<Tunnel> set = s == null ? ConcurrentHashMap.newKeySet() : s;
                set.add(t);
                return set;
            });
        }
        return true;
    }

    void remove(Tunnel t) {
        byId.remove(TunnelIds.lookupKey(t.id()), t);
        byClient.remove(t.clientId(), t);
        String user = user(t);
        if (user != null) {
            byUser.computeIfPresent(user, (k, s) -> {
                s.remove(t);
                return s.isEmpty() ? null : s;
            });
        }
    }

    /**
     * The open tunnel with this id, or null. The id is a bearer secret: it is looked up by its SHA-256
     * digest and then compared in constant time, so response timing tells nothing about how much of a guess
     * matched.
     */
    @Nullable
    Tunnel open(@Nullable String id) {
        if (id == null) {
            return null;
        }
        Tunnel t = byId.get(TunnelIds.lookupKey(id));
        if (t == null
                || t.isClosed()
                || !MessageDigest.isEqual(
                        t.id().getBytes(StandardCharsets.UTF_8), id.getBytes(StandardCharsets.UTF_8))) {
            return null;
        }
        return t;
    }

    /** The tunnel registered here under {@code tunnelId}, closed or not, without the constant-time check. */
    @Nullable
    Tunnel registered(String tunnelId) {
        return byId.get(TunnelIds.lookupKey(tunnelId));
    }

    int size() {
        return byId.size();
    }

    /** The tunnel of this client here, or null. */
    @Nullable
    Tunnel client(String clientId) {
        return byClient.get(clientId);
    }

    /** The tunnels of this user here (a snapshot). */
    List<Tunnel> user(String user) {
        Set<Tunnel> s = byUser.get(user);
        return s == null ? List.of() : List.copyOf(s);
    }

    private static @Nullable String user(Tunnel t) {
        String u = t.identity().user();
        return u == null || u.isEmpty() ? null : u;
    }
}
