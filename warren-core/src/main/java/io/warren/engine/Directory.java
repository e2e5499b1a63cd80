package io.warren.engine;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * This node's tunnels by their public names, for the backend's commands ({@link BackendCommands}): by client
 * id, and by user (the identity's {@code user()}; anonymous tunnels have none). Written when the node
 * registers and drops a tunnel ({@code Node.add}, {@code Node.drop}), read by any thread. Holds exactly the
 * tunnels the node holds, so it is bounded by the tunnel limit.
 */
final class Directory {
    private final ConcurrentHashMap<String, Tunnel> byClient = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<Tunnel>> byUser = new ConcurrentHashMap<>();

    void add(Tunnel t) {
        byClient.put(t.clientId(), t);
        String user = user(t);
        if (user != null) {
            byUser.compute(user, (k, s) -> {
                Set<Tunnel> set = s == null ? ConcurrentHashMap.newKeySet() : s;
                set.add(t);
                return set;
            });
        }
    }

    void remove(Tunnel t) {
        byClient.remove(t.clientId(), t);
        String user = user(t);
        if (user != null) {
            byUser.computeIfPresent(user, (k, s) -> {
                s.remove(t);
                return s.isEmpty() ? null : s;
            });
        }
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
