package io.warren.redis;

import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The tunnel registry's routes by public name, for forwarding the backend's commands
 * ({@link io.warren.spi.TunnelRegistry#tunnelOfClient}, {@link io.warren.spi.TunnelRegistry#tunnelsOfUser}):
 * {@code c:CLIENT} holds the tunnel id of a client and expires with its record; {@code u:USER} is the set of
 * a user's tunnel ids, its expiry renewed with each record write. Written after each record write and
 * cleaned when a record is removed; single-key scripts, so they work on Redis Cluster whatever slot a
 * record lives in. A set may name tunnels that ended meanwhile (a node stopped without removing them):
 * forwarding to them answers that nobody holds them.
 *
 * <p>Not the read model: the clients of a user as queries show them ({@code /api/users}) are the
 * {@link RedisClientDirectory}'s ({@code Du:USER}, public client ids). These keys hold tunnel ids, bearer
 * secrets that forwarding needs and that no query may show, so the two indexes answer different questions
 * and neither reads the other's.
 */
final class RedisRoutes {
    /** KEYS: client key. ARGV: tunnel id, ttl ms. */
    private static final RedisCluster.Script CLIENT = new RedisCluster.Script("""
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            return 1
            """);

    /** KEYS: user key. ARGV: tunnel id, ttl ms. */
    private static final RedisCluster.Script USER = new RedisCluster.Script("""
            redis.call('SADD', KEYS[1], ARGV[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 1
            """);

    private static final RedisCluster.Script FORGET_CLIENT = new RedisCluster.Script("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0
            """);

    private static final RedisCluster.Script FORGET_USER = new RedisCluster.Script("""
            return redis.call('SREM', KEYS[1], ARGV[1])
            """);

    private static final RedisCluster.Script GET = new RedisCluster.Script("""
            return redis.call('GET', KEYS[1])
            """);

    private static final RedisCluster.Script MEMBERS = new RedisCluster.Script("""
            return redis.call('SMEMBERS', KEYS[1])
            """);

    private final RedisCluster cluster;

    RedisRoutes(RedisCluster cluster) {
        this.cluster = cluster;
    }

    /** After a record of {@code tunnelId} was written; {@code user} empty or null when anonymous. */
    CompletionStage<Void> written(String tunnelId, String clientId, String user, Duration ttl) {
        String ms = Long.toString(Math.max(1, ttl.toMillis()));
        CompletableFuture<Object> c = cluster.eval(
                        CLIENT, ScriptOutputType.INTEGER, new String[] {cluster.clientKey(clientId)}, tunnelId, ms)
                .toCompletableFuture();
        if (user == null || user.isEmpty()) {
            return c.thenApply(v -> null);
        }
        CompletableFuture<Object> u = cluster.eval(
                        USER, ScriptOutputType.INTEGER, new String[] {cluster.userKey(user)}, tunnelId, ms)
                .toCompletableFuture();
        return CompletableFuture.allOf(c, u);
    }

    /** After the record of {@code tunnelId} was removed. Best effort. */
    void removed(String tunnelId, String clientId, String user) {
        if (clientId != null && !clientId.isEmpty()) {
            cluster.eval(FORGET_CLIENT, ScriptOutputType.INTEGER, new String[] {cluster.clientKey(clientId)}, tunnelId);
        }
        if (user != null && !user.isEmpty()) {
            cluster.eval(FORGET_USER, ScriptOutputType.INTEGER, new String[] {cluster.userKey(user)}, tunnelId);
        }
    }

    CompletionStage<String> tunnelOfClient(String clientId) {
        return cluster.eval(GET, ScriptOutputType.VALUE, new String[] {cluster.clientKey(clientId)});
    }

    CompletionStage<Set<String>> tunnelsOfUser(String user) {
        return cluster.<List<Object>>eval(MEMBERS, ScriptOutputType.MULTI, new String[] {cluster.userKey(user)})
                .thenApply(l -> {
                    Set<String> out = new HashSet<>();
                    for (Object o : l) {
                        out.add(String.valueOf(o));
                    }
                    return out;
                });
    }
}
