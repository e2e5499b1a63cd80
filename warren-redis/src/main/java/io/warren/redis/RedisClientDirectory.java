package io.warren.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.ScriptOutputType;
import io.warren.path.PathPattern;
import io.warren.spi.ClientDirectory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster-wide {@link ClientDirectory} on Redis: every call is one Lua script (one round trip), and
 * joins and leaves are announced on one Pub/Sub channel, {@code PREFIXpresence}, that every node subscribes.
 *
 * <p>Keys ({@code D} is {@code warren:d:}, or {@code {warren}:d:} on a Redis Cluster):
 * <ul>
 *   <li>{@code De} hash client -> entry (JSON: user, info, interest keys, attached, format, node);
 *   {@code Dx} sorted set client -> expiry (ms, Redis clock);</li>
 *   <li>{@code Dk} the pattern keys held by somebody (sorted set, all scores 0: lexicographic ranges serve
 *   {@code /api/paths} and "at or below a path"); {@code Di:KEY} the clients holding KEY (same kind);
 *   {@code Dq} a query's scratch union, deleted by the script that made it; {@code Du:USER} the clients
 *   whose entry names USER (sorted set, all scores 0, for {@code /api/users}), kept by the same scripts
 *   that write, unindex (a rewrite that changes the user, a remove by the owning node) and purge (expiry)
 *   entries, and deleted when empty;</li>
 *   <li>{@code Dm:PATH} hash client -> member of a presence path; {@code Dmx} sorted set
 *   {@code PATH\nCLIENT} -> expiry; {@code Dmp} the set of paths with members (for {@code maxPaths});
 *   {@code Dv:PATH} the path's version counter (kept when the path empties, so versions never repeat).</li>
 * </ul>
 * On a Redis Cluster every one of these keys shares one hash tag, the log's ({@code {warren}}): an entry's
 * write changes its index and the path counts in the same script, a join checks the path count and the
 * member count and bumps the version with the write, and a query ranges over the index; Redis Cluster runs a
 * script only on keys of one slot. The price is that the directory lives on one master (the log's, where the
 * node's Pub/Sub connection is, so the announcement leaves from the master the subscribers listen to).
 * Scripts declare {@code De} as their key (routing) and build the others from the prefix.
 *
 * <p>Expiry: Redis cannot expire hash fields (before 7.4), so every script first drops at most
 * {@value #PURGE} expired entries and members (by the expiry sets, on Redis's clock), announcing the members
 * that left; queries skip what is expired but not dropped yet (a count may still include it). Ordering is by bytes (UTF-8), which is the
 * order of Java's strings for the ids and paths Warren accepts.
 */
final class RedisClientDirectory implements ClientDirectory {
    private static final Logger log = LoggerFactory.getLogger(RedisClientDirectory.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Expired entries, then members, dropped by one script at most (each). */
    static final int PURGE = 500;
    /** Entries written by one script at most (a refresh of many tunnels is cut into several). */
    private static final int BATCH = 200;

    private static final String COMMON = """
            local P = ARGV[1]
            local CH = ARGV[2]
            local function now()
              local t = redis.call('TIME')
              return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            end
            local function lt(a, b)
              local n = math.min(#a, #b)
              for i = 1, n do
                local x, y = string.byte(a, i), string.byte(b, i)
                if x ~= y then return x < y end
              end
              return #a < #b
            end
            local function live(c, t)
              local s = redis.call('ZSCORE', P .. 'x', c)
              return s and tonumber(s) > t
            end
            local function unindex(c, json)
              local e = cjson.decode(json)
              for _, k in ipairs(e.interests) do
                local ik = P .. 'i:' .. k
                redis.call('ZREM', ik, c)
                if redis.call('ZCARD', ik) == 0 then
                  redis.call('DEL', ik)
                  redis.call('ZREM', P .. 'k', k)
                end
              end
              if type(e.user) == 'string' then
                local uk = P .. 'u:' .. e.user
                redis.call('ZREM', uk, c)
                if redis.call('ZCARD', uk) == 0 then redis.call('DEL', uk) end
              end
            end
            local function page(ids, count, limit, t)
              local out = {count, ''}
              if #ids > limit then out[2] = ids[limit] end
              for i = 1, math.min(#ids, limit) do
                if live(ids[i], t) then out[#out + 1] = redis.call('HGET', P .. 'e', ids[i]) end
              end
              return out
            end
            local function announce(path, joined, left)
              local v = redis.call('INCR', P .. 'v:' .. path)
              redis.call('PUBLISH', CH, '{"path":' .. cjson.encode(path) .. ',"version":' .. v
                .. ',"joined":[' .. joined .. '],"left":[' .. left .. ']}')
              return v
            end
            local function drop(path, c, pc)
              local mk = P .. 'm:' .. path
              local m = redis.call('HGET', mk, c)
              redis.call('ZREM', P .. 'mx', pc)
              if m then
                redis.call('HDEL', mk, c)
                if redis.call('HLEN', mk) == 0 then redis.call('SREM', P .. 'mp', path) end
                announce(path, '', m)
              end
            end
            local function purge(t)
              for _, c in ipairs(redis.call('ZRANGEBYSCORE', P .. 'x', '-inf', t, 'LIMIT', 0, %1$d)) do
                local j = redis.call('HGET', P .. 'e', c)
                if j then
                  unindex(c, j)
                  redis.call('HDEL', P .. 'e', c)
                end
                redis.call('ZREM', P .. 'x', c)
              end
              for _, pc in ipairs(redis.call('ZRANGEBYSCORE', P .. 'mx', '-inf', t, 'LIMIT', 0, %1$d)) do
                local i = string.find(pc, '\\n', 1, true)
                drop(string.sub(pc, 1, i - 1), string.sub(pc, i + 1), pc)
              end
            end
            local t = now()
            purge(t)
            """.formatted(PURGE);

    /** ARGV: P, CH, ttl ms, then per entry: client, json, n, n interest keys, user ('' for none). */
    private static final RedisCluster.Script PUT = new RedisCluster.Script(COMMON + """
            local dl = t + tonumber(ARGV[3])
            local i = 4
            while i <= #ARGV do
              local c, j, n = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
              local old = redis.call('HGET', P .. 'e', c)
              if old ~= j then
                if old then unindex(c, old) end
                redis.call('HSET', P .. 'e', c, j)
                for k = 1, n do
                  local key = ARGV[i + 2 + k]
                  redis.call('ZADD', P .. 'i:' .. key, 0, c)
                  redis.call('ZADD', P .. 'k', 0, key)
                end
                if ARGV[i + 3 + n] ~= '' then redis.call('ZADD', P .. 'u:' .. ARGV[i + 3 + n], 0, c) end
              end
              redis.call('ZADD', P .. 'x', dl, c)
              i = i + 4 + n
            end
            return 1
            """);

    /** ARGV: P, CH, client, node. */
    private static final RedisCluster.Script REMOVE = new RedisCluster.Script(COMMON + """
            local old = redis.call('HGET', P .. 'e', ARGV[3])
            if old and cjson.decode(old).node == ARGV[4] then
              unindex(ARGV[3], old)
              redis.call('HDEL', P .. 'e', ARGV[3])
              redis.call('ZREM', P .. 'x', ARGV[3])
              return 1
            end
            return 0
            """);

    /** ARGV: P, CH, client. */
    private static final RedisCluster.Script CLIENT = new RedisCluster.Script(COMMON + """
            if not live(ARGV[3], t) then return false end
            return redis.call('HGET', P .. 'e', ARGV[3])
            """);

    /**
     * ARGV: P, CH, under ('' for none), after ('' for none), limit, keys... Returns {count, next, entries...}.
     * The holders are merged and ordered by Redis itself ({@code ZUNIONSTORE} into {@code Dq}, dropped at
     * the end of the script), so that a page costs its size plus the union, not a sort in Lua.
     */
    private static final RedisCluster.Script HOLDERS = new RedisCluster.Script(COMMON + """
            local q = P .. 'q'
            redis.call('DEL', q)
            local srcs = {}
            local function flush()
              if #srcs > 0 then
                redis.call('ZUNIONSTORE', q, #srcs + 1, q, unpack(srcs))
                srcs = {}
              end
            end
            local function add(k)
              srcs[#srcs + 1] = P .. 'i:' .. k
              if #srcs == 500 then flush() end
            end
            for i = 6, #ARGV do add(ARGV[i]) end
            local under = ARGV[3]
            if under ~= '' then
              for _, k in ipairs(redis.call('ZRANGEBYLEX', P .. 'k', '[' .. under, '[' .. under .. '\\255')) do
                local base = k
                local sp = string.find(k, ' ', 1, true)
                if sp then base = string.sub(k, 1, sp - 1) end
                if under == '/' or base == under or string.sub(base, 1, #under + 1) == under .. '/' then add(k) end
              end
            end
            flush()
            local count = redis.call('ZCARD', q)
            local after, limit = ARGV[4], tonumber(ARGV[5])
            local ids = redis.call('ZRANGEBYLEX', q, after == '' and '-' or '(' .. after, '+', 'LIMIT', 0, limit + 1)
            redis.call('DEL', q)
            return page(ids, count, limit, t)
            """);

    /** ARGV: P, CH, user, after ('' for none), limit. Returns {count, next, entries...}. */
    private static final RedisCluster.Script USERS = new RedisCluster.Script(COMMON + """
            local uk = P .. 'u:' .. ARGV[3]
            local after, limit = ARGV[4], tonumber(ARGV[5])
            local ids = redis.call('ZRANGEBYLEX', uk, after == '' and '-' or '(' .. after, '+', 'LIMIT', 0, limit + 1)
            return page(ids, redis.call('ZCARD', uk), limit, t)
            """);

    /** ARGV: P, CH, prefix, after ('' for none), limit. Returns {count, next, key, n, key, n...}. */
    private static final RedisCluster.Script PATHS = new RedisCluster.Script(COMMON + """
            local keys = redis.call('ZRANGEBYLEX', P .. 'k', '[' .. ARGV[3], '[' .. ARGV[3] .. '\\255')
            local out = {#keys, ''}
            local after, limit, n, last = ARGV[4], tonumber(ARGV[5]), 0, nil
            for _, k in ipairs(keys) do
              if after == '' or lt(after, k) then
                if n == limit then
                  out[2] = last or ''
                  break
                end
                n = n + 1
                out[2 * n + 1] = k
                out[2 * n + 2] = redis.call('ZCARD', P .. 'i:' .. k)
                last = k
              end
            end
            return out
            """);

    /** ARGV: P, CH, path, client, member json, ttl ms, maxMembers, maxPaths. */
    private static final RedisCluster.Script JOIN = new RedisCluster.Script(COMMON + """
            local path, c = ARGV[3], ARGV[4]
            local mk = P .. 'm:' .. path
            local dl = t + tonumber(ARGV[6])
            if redis.call('HEXISTS', mk, c) == 1 then
              redis.call('HSET', mk, c, ARGV[5])
              redis.call('ZADD', P .. 'mx', dl, path .. '\\n' .. c)
              return 'ALREADY'
            end
            local n = redis.call('HLEN', mk)
            if n == 0 and redis.call('SCARD', P .. 'mp') >= tonumber(ARGV[8]) then return 'TOO_MANY_PATHS' end
            if n >= tonumber(ARGV[7]) then return 'FULL' end
            redis.call('HSET', mk, c, ARGV[5])
            redis.call('SADD', P .. 'mp', path)
            redis.call('ZADD', P .. 'mx', dl, path .. '\\n' .. c)
            announce(path, ARGV[5], '')
            return 'JOINED'
            """);

    /** ARGV: P, CH, path, client, node. */
    private static final RedisCluster.Script LEAVE = new RedisCluster.Script(COMMON + """
            local m = redis.call('HGET', P .. 'm:' .. ARGV[3], ARGV[4])
            if m and cjson.decode(m).node == ARGV[5] then
              drop(ARGV[3], ARGV[4], ARGV[3] .. '\\n' .. ARGV[4])
              return 1
            end
            return 0
            """);

    /** ARGV: P, CH, path, max. Returns {count, version, members...} by client. */
    private static final RedisCluster.Script MEMBERS = new RedisCluster.Script(COMMON + """
            local mk = P .. 'm:' .. ARGV[3]
            local all = redis.call('HGETALL', mk)
            local byClient, clients = {}, {}
            for i = 1, #all, 2 do
              byClient[all[i]] = all[i + 1]
              clients[#clients + 1] = all[i]
            end
            table.sort(clients, lt)
            local out = {#clients, tonumber(redis.call('GET', P .. 'v:' .. ARGV[3])) or 0}
            for i = 1, math.min(#clients, tonumber(ARGV[4])) do out[i + 2] = byClient[clients[i]] end
            return out
            """);

    private final RedisCluster cluster;
    private final String prefix;
    private final String channel;
    private final String[] keys;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile @Nullable Listener listener;

    RedisClientDirectory(RedisCluster cluster) {
        this.cluster = cluster;
        this.prefix = cluster.directoryKeyPrefix;
        this.channel = cluster.directoryChannel;
        this.keys = new String[] {prefix + "e"};
    }

    @Override
    public CompletionStage<Void> start(Listener l) {
        this.listener = l;
        return subscribe();
    }

    /** Subscribes the announcements' channel (again, after a reconnect). */
    CompletionStage<Void> subscribe() {
        return cluster.pubsub.async().subscribe(channel).toCompletableFuture().thenApply(v -> null);
    }

    String channel() {
        return channel;
    }

    /** After a reconnect, subscribed again: announcements made meanwhile were lost (Pub/Sub keeps nothing). */
    void gap() {
        Listener l = listener;
        if (l != null) {
            l.gap();
        }
    }

    /** An announcement from any node (Lettuce's thread). */
    void announced(String message) {
        Listener l = listener;
        if (l == null) {
            return;
        }
        try {
            JsonNode n = JSON.readTree(message);
            l.presence(
                    n.get("path").asText(),
                    n.get("version").asLong(),
                    members(n.get("joined")),
                    members(n.get("left")));
        } catch (Exception e) {
            log.warn("presence announcement ignored: {}", e.toString());
        }
    }

    private <T> CompletionStage<T> run(RedisCluster.Script script, ScriptOutputType type, List<String> args) {
        List<String> all = new ArrayList<>(args.size() + 2);
        all.add(prefix);
        all.add(channel);
        all.addAll(args);
        return cluster.eval(script, type, keys, all.toArray(new String[0]));
    }

    @Override
    public CompletionStage<Void> put(Collection<Entry> entries, Duration ttl) {
        List<CompletableFuture<Object>> writes = new ArrayList<>();
        List<String> args = new ArrayList<>();
        int n = 0;
        for (Entry e : entries) {
            if (n == 0) {
                args.add(Long.toString(Math.max(1, ttl.toMillis())));
            }
            args.add(e.client());
            args.add(json(e));
            args.add(Integer.toString(e.interests().size()));
            for (PathPattern p : e.interests()) {
                args.add(p.key());
            }
            args.add(e.user() == null ? "" : e.user());
            if (++n == BATCH) {
                writes.add(run(PUT, ScriptOutputType.INTEGER, args).toCompletableFuture());
                args = new ArrayList<>();
                n = 0;
            }
        }
        if (n > 0) {
            writes.add(run(PUT, ScriptOutputType.INTEGER, args).toCompletableFuture());
        }
        return CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0]));
    }

    @Override
    public CompletionStage<Void> remove(String client, String node) {
        return run(REMOVE, ScriptOutputType.INTEGER, List.of(client, node)).thenApply(v -> null);
    }

    @Override
    public CompletionStage<@Nullable Entry> client(String client) {
        return this.<String>run(CLIENT, ScriptOutputType.VALUE, List.of(client))
                .thenApply(j -> j == null ? null : entry(j));
    }

    @Override
    public CompletionStage<Page<Entry>> holders(
            Collection<String> patternKeys, @Nullable String under, @Nullable String after, int limit) {
        List<String> args = new ArrayList<>();
        args.add(under == null ? "" : under);
        args.add(after == null ? "" : after);
        args.add(Integer.toString(limit));
        args.addAll(patternKeys);
        return this.<List<Object>>run(HOLDERS, ScriptOutputType.MULTI, args).thenApply(RedisClientDirectory::entries);
    }

    @Override
    public CompletionStage<Page<Entry>> users(String user, @Nullable String after, int limit) {
        List<String> args = List.of(user, after == null ? "" : after, Integer.toString(limit));
        return this.<List<Object>>run(USERS, ScriptOutputType.MULTI, args).thenApply(RedisClientDirectory::entries);
    }

    /** {@code {count, next, entries...}} as a page. */
    private static Page<Entry> entries(List<Object> r) {
        List<Entry> items = new ArrayList<>(r.size() - 2);
        for (int i = 2; i < r.size(); i++) {
            items.add(entry(String.valueOf(r.get(i))));
        }
        return new Page<>(items, count(r.get(0)), cursor(r.get(1)));
    }

    @Override
    public CompletionStage<Page<PathCount>> paths(String pathPrefix, @Nullable String after, int limit) {
        List<String> args = List.of(pathPrefix, after == null ? "" : after, Integer.toString(limit));
        return this.<List<Object>>run(PATHS, ScriptOutputType.MULTI, args).thenApply(r -> {
            List<PathCount> items = new ArrayList<>();
            for (int i = 2; i + 1 < r.size(); i += 2) {
                items.add(new PathCount(pattern(String.valueOf(r.get(i))), count(r.get(i + 1))));
            }
            return new Page<>(items, count(r.get(0)), cursor(r.get(1)));
        });
    }

    @Override
    public CompletionStage<Joined> join(String path, Member member, Duration ttl, int maxMembers, int maxPaths) {
        List<String> args = List.of(
                path,
                member.client(),
                json(member),
                Long.toString(Math.max(1, ttl.toMillis())),
                Integer.toString(maxMembers),
                Integer.toString(maxPaths));
        return this.<String>run(JOIN, ScriptOutputType.VALUE, args).thenApply(Joined::valueOf);
    }

    @Override
    public CompletionStage<Void> leave(String path, String client, String node) {
        return run(LEAVE, ScriptOutputType.INTEGER, List.of(path, client, node)).thenApply(v -> null);
    }

    @Override
    public CompletionStage<Members> members(String path, int max) {
        return this.<List<Object>>run(MEMBERS, ScriptOutputType.MULTI, List.of(path, Integer.toString(max)))
                .thenApply(r -> {
                    List<Member> items = new ArrayList<>(r.size() - 2);
                    for (int i = 2; i < r.size(); i++) {
                        items.add(member(read(String.valueOf(r.get(i)))));
                    }
                    return new Members(items, count(r.get(0)), ((Number) r.get(1)).longValue());
                });
    }

    @Override
    public void close() {
        listener = null;
        if (closed.compareAndSet(false, true)) {
            cluster.pubsub.async().unsubscribe(channel);
            cluster.closed();
        }
    }

    private static int count(Object o) {
        return ((Number) o).intValue();
    }

    private static @Nullable String cursor(Object o) {
        String s = o == null ? "" : String.valueOf(o);
        return s.isEmpty() ? null : s;
    }

    static PathPattern pattern(String key) {
        String sub = " +subpaths";
        return key.endsWith(sub)
                ? PathPattern.parse(key.substring(0, key.length() - sub.length()), true)
                : PathPattern.parse(key);
    }

    private static String json(Entry e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("client", e.client());
        o.put("user", e.user());
        o.put("info", e.info());
        ArrayNode a = o.putArray("interests");
        for (PathPattern p : e.interests()) {
            a.add(p.key());
        }
        o.put("attached", e.attached());
        o.put("format", e.format());
        o.put("node", e.node());
        return o.toString();
    }

    private static String json(Member m) {
        ObjectNode o = JSON.createObjectNode();
        o.put("client", m.client());
        o.put("user", m.user());
        o.put("info", m.info());
        o.put("node", m.node());
        return o.toString();
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException("unreadable directory record: " + e.getMessage(), e);
        }
    }

    private static Entry entry(String json) {
        JsonNode n = read(json);
        List<PathPattern> interests = new ArrayList<>();
        for (JsonNode k : n.get("interests")) {
            interests.add(pattern(k.asText()));
        }
        return new Entry(
                n.get("client").asText(),
                text(n, "user"),
                text(n, "info"),
                interests,
                n.get("attached").asBoolean(),
                text(n, "format"),
                n.get("node").asText());
    }

    private static Member member(JsonNode n) {
        return new Member(
                n.get("client").asText(),
                text(n, "user"),
                text(n, "info"),
                n.get("node").asText());
    }

    private static List<Member> members(JsonNode array) {
        List<Member> out = new ArrayList<>();
        if (array != null) {
            for (JsonNode m : array) {
                out.add(member(m));
            }
        }
        return out;
    }

    private static @Nullable String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
