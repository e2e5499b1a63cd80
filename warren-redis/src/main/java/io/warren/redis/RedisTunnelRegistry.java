package io.warren.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.ScriptOutputType;
import io.warren.path.PathPattern;
import io.warren.spi.Identity;
import io.warren.spi.TunnelRecord;
import io.warren.spi.TunnelRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TunnelRegistry} of a Redis cluster member: one hash per tunnel ({@code o} owner node,
 * {@code c} client id, {@code s} subject, {@code a} attributes, {@code p} permissions, {@code e} expiry ({@link IdentityFields}),
 * {@code i} interests, {@code l} log mark) with a
 * {@code PEXPIRE}; every change is a Lua script, so ownership checks and writes are atomic. A claim
 * publishes the tunnel id on the previous owner's node channel. {@link #forward} is {@link RedisForwarding}.
 *
 * <p><b>A record Redis lost is written again.</b> A refresh (a {@link #put} without create) finding no
 * record normally means it expired: the tunnel was culled cluster-wide. But Redis can also lose a record
 * before its expiry: a Redis Cluster master holding some records restarted without persistence (only
 * the connections to that master notice, so the node is told of no gap), or a replica promoted before it
 * had the last writes. This member knows when it last wrote each of its records and with what expiry
 * ({@link #written}); a record missing before that expiry cannot have expired, so it is created again
 * (still only if no other node owns it) instead of the tunnel being culled. A record another node
 * claimed and then culled is missing only after this member's write has expired (a cull comes
 * {@code tunnel-timeout} after the claim), so it stays missing.
 */
final class RedisTunnelRegistry implements TunnelRegistry {
    private static final Logger log = LoggerFactory.getLogger(RedisTunnelRegistry.class);
    static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUBTREE = " +subpaths";

    /** KEYS: record. ARGV: me, ttl ms, create (1/0), client, subject, attributes, interests, log mark, permissions, expiry. 1 written, 0 owned elsewhere, -1 missing. */
    private static final RedisCluster.Script PUT = new RedisCluster.Script("""
            local o = redis.call('HGET', KEYS[1], 'o')
            if not o then
              if ARGV[3] ~= '1' then return -1 end
            elseif o ~= ARGV[1] then
              return 0
            end
            redis.call('HSET', KEYS[1], 'o', ARGV[1], 'c', ARGV[4], 's', ARGV[5], 'a', ARGV[6], 'i', ARGV[7], 'l', ARGV[8], 'p', ARGV[9], 'e', ARGV[10])
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 1
            """);

    /** KEYS: record. ARGV: me, ttl ms, tunnel id, node channel prefix. The record's fields, or {} when none. */
    private static final RedisCluster.Script CLAIM = new RedisCluster.Script("""
            local r = redis.call('HMGET', KEYS[1], 'o', 'c', 's', 'a', 'i', 'l', 'p', 'e')
            if not r[1] then return {} end
            redis.call('HSET', KEYS[1], 'o', ARGV[1])
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            if r[1] ~= ARGV[1] then redis.call('PUBLISH', ARGV[4] .. r[1], ARGV[3]) end
            return {r[2], r[3], r[4], r[5], r[6] or '', r[7] or '', r[8] or ''}
            """);

    /** KEYS: record. ARGV: me. The removed record's client id and subject field, or {} when not removed. */
    private static final RedisCluster.Script REMOVE = new RedisCluster.Script("""
            if redis.call('HGET', KEYS[1], 'o') == ARGV[1] then
              local r = redis.call('HMGET', KEYS[1], 'c', 's')
              redis.call('DEL', KEYS[1])
              return {r[1] or '', r[2] or ''}
            end
            return {}
            """);

    private final RedisCluster cluster;
    private final RedisForwarding forwarding;
    private final RedisRoutes routes;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Listener listener;
    /** Per record this member wrote: when that write expires ({@link System#nanoTime()}). */
    private final ConcurrentHashMap<String, Long> written = new ConcurrentHashMap<>();
    /** The size of {@link #written} after its last pruning: it is pruned again when it has doubled. */
    private final AtomicInteger prunedAt = new AtomicInteger(64);

    RedisTunnelRegistry(RedisCluster cluster) {
        this.cluster = cluster;
        this.forwarding = new RedisForwarding(cluster);
        this.routes = new RedisRoutes(cluster);
    }

    @Override
    public CompletionStage<Void> start(Listener listener) {
        this.listener = listener;
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean shared() {
        return true;
    }

    /** A message on this node's channel: an eviction notice (a bare tunnel id) or forwarding. */
    void nodeMessage(String message) {
        Listener l = listener;
        if (RedisForwarding.isForwarding(message)) {
            forwarding.receive(message, l);
        } else {
            written.remove(message);
            if (l != null) {
                l.evicted(message);
            }
        }
    }

    @Override
    public CompletionStage<String> forward(String tunnelId, String request) {
        return forwarding.forward(key(tunnelId), tunnelId, request);
    }

    @Override
    public CompletionStage<String> tunnelOfClient(String clientId) {
        return routes.tunnelOfClient(clientId);
    }

    @Override
    public CompletionStage<java.util.Set<String>> tunnelsOfUser(String user) {
        return routes.tunnelsOfUser(user);
    }

    @Override
    public CompletionStage<Map<String, PutResult>> put(Collection<TunnelRecord> records, Duration ttl, boolean create) {
        pruneWritten();
        List<CompletableFuture<Long>> results = new ArrayList<>(records.size());
        List<String> ids = new ArrayList<>(records.size());
        for (TunnelRecord r : records) {
            ids.add(r.tunnelId());
            results.add(put(r, ttl, create)
                    .thenCompose(n -> {
                        Long expires = written.get(r.tunnelId());
                        if (n < 0 && expires != null && System.nanoTime() - expires < 0) {
                            log.info("a tunnel record was lost by Redis before its expiry; writing it again");
                            return put(r, ttl, true);
                        }
                        return CompletableFuture.completedFuture(n);
                    })
                    .toCompletableFuture());
        }
        List<TunnelRecord> all = List.copyOf(records);
        return CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0]))
                .thenCompose(v -> {
                    Map<String, PutResult> lost = new HashMap<>();
                    List<CompletableFuture<Void>> indexed = new ArrayList<>();
                    for (int i = 0; i < ids.size(); i++) {
                        long n = results.get(i).join();
                        if (n == 0) {
                            lost.put(ids.get(i), PutResult.OWNED_ELSEWHERE);
                        } else if (n < 0) {
                            lost.put(ids.get(i), PutResult.MISSING);
                        } else {
                            TunnelRecord r = all.get(i);
                            String user =
                                    r.identity() == null ? null : r.identity().user();
                            indexed.add(routes.written(r.tunnelId(), r.clientId(), user, ttl)
                                    .toCompletableFuture());
                        }
                    }
                    return CompletableFuture.allOf(indexed.toArray(new CompletableFuture<?>[0]))
                            .thenApply(done -> lost);
                });
    }

    /** One record's PUT script: 1 written, 0 owned elsewhere, -1 missing. Notes the expiry of a write. */
    private CompletionStage<Long> put(TunnelRecord r, Duration ttl, boolean create) {
        Identity who = r.identity() == null ? Identity.ANONYMOUS : r.identity();
        long expires = System.nanoTime() + ttl.toNanos(); // from before sending: never later than Redis'
        return cluster.<Long>eval(
                        PUT,
                        ScriptOutputType.INTEGER,
                        new String[] {key(r.tunnelId())},
                        cluster.nodeId,
                        Long.toString(Math.max(1, ttl.toMillis())),
                        create ? "1" : "0",
                        r.clientId(),
                        who.subject() == null ? "" : "=" + who.subject(),
                        attributesJson(IdentityFields.plainAttributes(who)),
                        interests(r.interests()),
                        r.logMark() == null ? "" : r.logMark(),
                        IdentityFields.permissions(who),
                        IdentityFields.expiry(who))
                .thenApply(n -> {
                    if (n == 1) {
                        written.put(r.tunnelId(), expires);
                    } else if (n == 0 || System.nanoTime() - written.getOrDefault(r.tunnelId(), expires) >= 0) {
                        written.remove(r.tunnelId());
                    }
                    return n;
                });
    }

    /** Forgets writes that have expired once {@link #written} has doubled since the last time (bounded). */
    private void pruneWritten() {
        int at = prunedAt.get();
        if (written.size() > 2 * at) {
            long now = System.nanoTime();
            written.values().removeIf(expires -> now - expires >= 0);
            prunedAt.set(Math.max(64, written.size()));
        }
    }

    @Override
    public CompletionStage<TunnelRecord> claim(String tunnelId, Duration ttl) {
        long claimedExpiry = System.nanoTime() + ttl.toNanos();
        return cluster.<List<Object>>eval(
                        CLAIM,
                        ScriptOutputType.MULTI,
                        new String[] {key(tunnelId)},
                        cluster.nodeId,
                        Long.toString(Math.max(1, ttl.toMillis())),
                        tunnelId,
                        cluster.nodeChannelPrefix)
                .thenApply(r -> {
                    if (r == null || r.size() < 7) {
                        return null;
                    }
                    written.put(tunnelId, claimedExpiry);
                    String subject = (String) r.get(1);
                    Identity identity = IdentityFields.identity(
                            subject == null || subject.isEmpty() ? null : subject.substring(1),
                            attributes((String) r.get(2)),
                            (String) r.get(5),
                            (String) r.get(6));
                    String mark = (String) r.get(4);
                    return new TunnelRecord(
                            tunnelId,
                            (String) r.get(0),
                            identity,
                            patterns((String) r.get(3)),
                            mark == null || mark.isEmpty() ? null : mark);
                });
    }

    @Override
    public CompletionStage<Void> remove(String tunnelId) {
        written.remove(tunnelId);
        return cluster.<List<Object>>eval(REMOVE, ScriptOutputType.MULTI, new String[] {key(tunnelId)}, cluster.nodeId)
                .<Void>thenApply(r -> {
                    if (r != null && r.size() == 2) {
                        String subject = String.valueOf(r.get(1));
                        routes.removed(
                                tunnelId, String.valueOf(r.get(0)), subject.isEmpty() ? null : subject.substring(1));
                    }
                    return null;
                })
                .exceptionally(e -> {
                    log.debug("removing a tunnel record failed (it expires anyway): {}", e.toString());
                    return null;
                });
    }

    private String key(String tunnelId) {
        return cluster.tunnelKey(tunnelId);
    }

    static String interests(List<PathPattern> patterns) {
        List<String> keys = new ArrayList<>(patterns.size());
        for (PathPattern p : patterns) {
            keys.add(p.key());
        }
        return json(keys);
    }

    static List<PathPattern> patterns(String json) {
        List<PathPattern> out = new ArrayList<>();
        if (json == null || json.isEmpty()) {
            return out;
        }
        try {
            for (String k : JSON.readValue(json, new TypeReference<List<String>>() {})) {
                out.add(
                        k.endsWith(SUBTREE)
                                ? PathPattern.parse(k.substring(0, k.length() - SUBTREE.length()), true)
                                : PathPattern.parse(k, false));
            }
        } catch (JsonProcessingException | RuntimeException e) {
            log.warn("ignoring unreadable interests in a tunnel record: {}", e.toString());
        }
        return out;
    }

    private static Map<String, Object> attributes(String json) {
        if (json == null || json.isEmpty()) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
        } catch (JsonProcessingException e) {
            log.warn("ignoring unreadable identity attributes in a tunnel record: {}", e.toString());
            return Map.of();
        }
    }

    /**
     * The identity's attributes as JSON; a value Jackson cannot write (an authenticator's own type) is
     * kept as its {@code toString()} rather than failing the tunnel.
     */
    static String attributesJson(Map<String, Object> attributes) {
        try {
            return JSON.writeValueAsString(attributes);
        } catch (JsonProcessingException e) {
            Map<String, Object> plain = new HashMap<>();
            attributes.forEach((k, v) -> {
                try {
                    JSON.writeValueAsString(v);
                    plain.put(k, v);
                } catch (JsonProcessingException notJson) {
                    plain.put(k, String.valueOf(v));
                }
            });
            return json(plain);
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("tunnel record not serializable: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        listener = null;
        forwarding.close();
        if (closed.compareAndSet(false, true)) {
            cluster.closed();
        }
    }
}
