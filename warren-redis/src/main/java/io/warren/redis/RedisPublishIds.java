package io.warren.redis;

import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * {@link io.warren.spi.Broker#claimOnce} on Redis: one key per backend id, set with an expiry unless it
 * exists (what {@code SET NX} does, as a script so that the earlier datagram id comes back in the same round
 * trip), shared by every node.
 */
final class RedisPublishIds {
    /** KEYS: the id's key. ARGV: datagram id, window ms. The earlier datagram id, or nil when this call claimed it. */
    private static final RedisCluster.Script CLAIM = new RedisCluster.Script("""
            local v = redis.call('GET', KEYS[1])
            if v then return v end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            return false
            """);

    /** KEYS: the id's key. ARGV: datagram id. Deletes the claim if it is still that datagram's. */
    private static final RedisCluster.Script FORGET = new RedisCluster.Script("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0
            """);

    private final RedisCluster cluster;

    RedisPublishIds(RedisCluster cluster) {
        this.cluster = cluster;
    }

    CompletionStage<String> claim(String key, String datagramId, Duration window) {
        return cluster.eval(
                CLAIM,
                ScriptOutputType.VALUE,
                new String[] {cluster.publishIdKey(key)},
                datagramId,
                Long.toString(Math.max(1, window.toMillis())));
    }

    CompletionStage<Void> forget(String key, String datagramId) {
        return cluster.<Long>eval(
                        FORGET, ScriptOutputType.INTEGER, new String[] {cluster.publishIdKey(key)}, datagramId)
                .thenApply(n -> null);
    }
}
