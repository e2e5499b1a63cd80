package io.warren.redis;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.warren.broker.MemoryBroker;
import io.warren.datagram.Datagram;
import io.warren.path.Path;
import io.warren.path.PathPattern;
import io.warren.spi.Broker;
import io.warren.spi.HistoryRule;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Broker} of a Redis cluster member.
 *
 * <ul>
 *   <li><b>Publish</b>: one Lua script appends the datagram to the shared log (a stream, trimmed by count
 *   and age) and publishes it on its path's channel, atomically, so the log and live delivery agree on
 *   the order. Publishes go down one connection in call order, so datagrams of one path keep it.</li>
 *   <li><b>Interest</b>: an exact pattern is a {@code SUBSCRIBE} to its path's channel; a wildcard is a
 *   {@code PSUBSCRIBE} to a glob that covers it (Redis globs cross {@code /}, so arrivals are filtered
 *   with {@link PathPattern#matches}). A node receives only what its tunnels want, and the stage
 *   completes when Redis confirmed the subscription: from then on every publish reaches this node.</li>
 *   <li><b>Once per node</b>: Redis writes every copy of one publish to one subscriber back to back, so
 *   remembering the last id delivered drops the copies that overlapping subscriptions bring.</li>
 *   <li><b>Replay</b>: read from the log, newest first, until the wanted id.</li>
 * </ul>
 *
 * <p>Wire format of a message (and of the log's {@code d} field): {@code ID \n FROM \n DATA}, the path
 * being the channel (the log's {@code p} field). The listener is called on Lettuce's Pub/Sub thread,
 * one message at a time.
 */
final class RedisBroker implements Broker {
    private static final Logger log = LoggerFactory.getLogger(RedisBroker.class);
    private static final int PAGE = 1000;

    /**
     * KEYS: log[, path history]. ARGV: log size, log age ms, path, payload, channel[, history size,
     * history ttl ms]. One script, so that log, history and live delivery agree on the order.
     */
    private static final RedisCluster.Script PUBLISH = new RedisCluster.Script("""
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'p', ARGV[3], 'd', ARGV[4])
            local age = tonumber(ARGV[2])
            if age > 0 then
              redis.call('XTRIM', KEYS[1], 'MINID', '~', string.format('%d', now - age))
            end
            if KEYS[2] then
              local ttl = tonumber(ARGV[7])
              redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[6], '*', 'd', ARGV[4])
              redis.call('XTRIM', KEYS[2], 'MINID', string.format('%d', now - ttl))
              redis.call('PEXPIRE', KEYS[2], ttl)
            end
            return redis.call('PUBLISH', ARGV[5], ARGV[4])
            """);

    private final RedisCluster cluster;
    /** Exact subscriptions by channel, pattern subscriptions by glob; each with the patterns it serves. */
    private final Map<String, Subscription> channels = new ConcurrentHashMap<>();

    private final Map<String, Subscription> globs = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile Listener listener;
    private String lastId; // Pub/Sub thread only

    private final RedisPublishIds publishIds;

    RedisBroker(RedisCluster cluster) {
        this.cluster = cluster;
        this.publishIds = new RedisPublishIds(cluster);
    }

    @Override
    public CompletionStage<Void> start(Listener listener) {
        this.listener = listener;
        // The node channel carries eviction notices for the registry; subscribed once, here.
        return cluster.pubsub
                .async()
                .subscribe(cluster.nodeChannelPrefix + cluster.nodeId)
                .toCompletableFuture()
                .thenApply(v -> null);
    }

    /** Readiness: Redis answers PING on the command connection within Lettuce's command timeout. */
    @Override
    public CompletionStage<String> claimOnce(String key, String datagramId, java.time.Duration window) {
        return publishIds.claim(key, datagramId, window);
    }

    @Override
    public CompletionStage<Void> forgetClaim(String key, String datagramId) {
        return publishIds.forget(key, datagramId);
    }

    @Override
    public CompletionStage<Void> ping() {
        return cluster.async().ping().toCompletableFuture().thenApply(pong -> null);
    }

    @Override
    public CompletionStage<Void> publish(Datagram d) {
        String path = d.path().toString();
        String payload = payload(d);
        String size = Integer.toString(cluster.options.logSize());
        String age = Long.toString(cluster.options.logAge().toMillis());
        String channel = cluster.pathChannelPrefix + path;
        HistoryRule rule =
                cluster.options.history().isEmpty() ? null : HistoryRule.find(cluster.options.history(), d.path());
        if (rule == null) {
            return cluster.<Long>eval(
                            PUBLISH,
                            ScriptOutputType.INTEGER,
                            new String[] {cluster.logKey},
                            size,
                            age,
                            path,
                            payload,
                            channel)
                    .thenApply(n -> null);
        }
        return cluster.<Long>eval(
                        PUBLISH,
                        ScriptOutputType.INTEGER,
                        new String[] {cluster.logKey, cluster.historyKeyPrefix + path},
                        size,
                        age,
                        path,
                        payload,
                        channel,
                        Integer.toString(rule.size()),
                        Long.toString(rule.ttl().toMillis()))
                .thenApply(n -> null);
    }

    /**
     * {@code ID \n FROM \n DATA}. The data goes through text (Lettuce's UTF-8 codec) and comes back as the
     * same bytes: {@link io.warren.datagram.JsonData} admits only well-formed UTF-8.
     */
    static String payload(Datagram d) {
        String from = d.from() == null ? "" : d.from();
        return d.id() + '\n' + from + '\n' + d.dataText();
    }

    static Datagram parse(Path path, String payload) {
        int a = payload.indexOf('\n');
        int b = payload.indexOf('\n', a + 1);
        if (a < 0 || b < 0) {
            throw new IllegalArgumentException("not a Warren datagram");
        }
        String from = payload.substring(a + 1, b);
        return new Datagram(payload.substring(0, a), path, payload.substring(b + 1), from.isEmpty() ? null : from);
    }

    @Override
    public synchronized CompletionStage<Void> subscribe(PathPattern pattern) {
        boolean exact = pattern.kind() == PathPattern.Kind.EXACT;
        String name = exact ? cluster.pathChannelPrefix + pattern.base() : glob(pattern);
        Subscription s = (exact ? channels : globs).computeIfAbsent(name, k -> new Subscription());
        s.patterns.add(pattern);
        if (s.ready == null || s.ready.isCompletedExceptionally()) {
            s.ready = (exact
                            ? cluster.pubsub.async().subscribe(name)
                            : cluster.pubsub.async().psubscribe(name))
                    .toCompletableFuture()
                    .thenApply(v -> null);
        }
        return s.ready;
    }

    @Override
    public synchronized CompletionStage<Void> unsubscribe(PathPattern pattern) {
        boolean exact = pattern.kind() == PathPattern.Kind.EXACT;
        String name = exact ? cluster.pathChannelPrefix + pattern.base() : glob(pattern);
        Map<String, Subscription> map = exact ? channels : globs;
        Subscription s = map.get(name);
        if (s == null || !s.patterns.remove(pattern) || !s.patterns.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        map.remove(name);
        return (exact
                        ? cluster.pubsub.async().unsubscribe(name)
                        : cluster.pubsub.async().punsubscribe(name))
                .toCompletableFuture()
                .thenApply(v -> null);
    }

    /** The Redis glob covering a wildcard pattern; it may cover more, which {@link #receive} filters out. */
    private String glob(PathPattern p) {
        String base = escape(p.base());
        return cluster.pathChannelPrefix
                + switch (p.kind()) {
                    case CHILDREN, DESCENDANTS -> base.equals("/") ? "/*" : base + "/*";
                    case SUBTREE -> base + "*";
                    case EXACT -> throw new AssertionError();
                };
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /** Pub/Sub thread: one message for a path channel, via a channel or (with {@code glob}) a pattern. */
    void receive(String channel, String payload, String glob) {
        Listener l = listener;
        if (l == null || !channel.startsWith(cluster.pathChannelPrefix)) {
            return;
        }
        int a = payload.indexOf('\n');
        if (a < 0 || (lastId != null && a == lastId.length() && payload.startsWith(lastId))) {
            return; // malformed, or a copy of the datagram just delivered
        }
        Datagram d;
        try {
            d = parse(Path.of(channel.substring(cluster.pathChannelPrefix.length())), payload);
        } catch (RuntimeException e) {
            log.warn("dropping a malformed message on {}: {}", channel, e.toString());
            return;
        }
        if (glob != null) {
            Subscription s = globs.get(glob);
            if (s == null || !s.matches(d.path())) {
                return;
            }
        }
        lastId = d.id();
        try {
            l.onDatagram(d);
        } catch (RuntimeException e) {
            // The node could not route it all (overloaded) and has told those tunnels of a gap; the
            // publisher, on whatever node, was answered when Redis took the datagram.
            log.debug("datagram {} not routed everywhere: {}", d.id(), e.toString());
        }
    }

    /** Subscribes to every channel and glob again; completes when Redis confirmed all. */
    synchronized CompletionStage<Void> resubscribe() {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        String[] ch = channels.keySet().toArray(new String[0]);
        String[] gl = globs.keySet().toArray(new String[0]);
        all.add(cluster.pubsub
                .async()
                .subscribe(cluster.nodeChannelPrefix + cluster.nodeId)
                .toCompletableFuture()
                .thenApply(v -> null));
        if (ch.length > 0) {
            all.add(cluster.pubsub.async().subscribe(ch).toCompletableFuture().thenApply(v -> null));
        }
        if (gl.length > 0) {
            all.add(cluster.pubsub.async().psubscribe(gl).toCompletableFuture().thenApply(v -> null));
        }
        CompletableFuture<Void> done = CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
        for (String c : ch) {
            Subscription s = channels.get(c);
            s.ready = done;
        }
        for (String g : gl) {
            Subscription s = globs.get(g);
            s.ready = done;
        }
        return done;
    }

    void gap() {
        Listener l = listener;
        if (l != null) {
            l.onGap();
        }
    }

    @Override
    public CompletionStage<Replay> history(Path path, String since, int recent) {
        HistoryRule rule = HistoryRule.find(cluster.options.history(), path);
        if (rule == null) {
            return CompletableFuture.completedFuture(Replay.NONE);
        }
        int count = since != null ? rule.size() : Math.min(recent, rule.size());
        return cluster.async()
                .xrevrange(cluster.historyKeyPrefix + path, Range.unbounded(), Limit.from(count))
                .thenApply(entries -> {
                    long oldest = System.currentTimeMillis() - rule.ttl().toMillis();
                    List<Datagram> kept = new ArrayList<>(entries.size());
                    for (int i = entries.size() - 1; i >= 0; i--) {
                        StreamMessage<String, String> m = entries.get(i);
                        String payload = m.getBody().get("d");
                        long ms =
                                Long.parseLong(m.getId().substring(0, m.getId().indexOf('-')));
                        if (payload != null && ms >= oldest) {
                            kept.add(parse(path, payload));
                        }
                    }
                    return MemoryBroker.select(kept, since, recent);
                });
    }

    /** The id of the log's newest entry, {@code 0-0} when it is empty. */
    @Override
    public CompletionStage<String> mark() {
        return cluster.async()
                .xrevrange(cluster.logKey, Range.unbounded(), Limit.from(1))
                .thenApply(last -> last.isEmpty() ? "0-0" : last.get(0).getId());
    }

    @Override
    public CompletionStage<Replay> replay(String after, String mark, Collection<PathPattern> patterns, int max) {
        if (after == null && mark == null) {
            return CompletableFuture.completedFuture(Replay.NONE);
        }
        CompletableFuture<Replay> result = new CompletableFuture<>();
        List<Datagram> newestFirst = new ArrayList<>();
        page(after, after == null ? mark : null, List.copyOf(patterns), max, null, 0, newestFirst, result);
        return result;
    }

    /**
     * Reads one page of the log, newest first, below {@code below} (exclusive; null for the top), until
     * the datagram {@code after} or, with {@code mark}, the first entry not newer than the mark.
     */
    private void page(
            String after,
            String mark,
            List<PathPattern> patterns,
            int max,
            String below,
            int scanned,
            List<Datagram> newestFirst,
            CompletableFuture<Replay> result) {
        Range<String> range = below == null ? Range.unbounded() : Range.create("-", below);
        cluster.async()
                .xrevrange(cluster.logKey, range, Limit.from(PAGE + (below == null ? 0 : 1)))
                .whenComplete((page, e) -> {
                    if (e != null) {
                        result.completeExceptionally(RedisCluster.unwrap(e));
                        return;
                    }
                    try {
                        String last = below;
                        int n = 0;
                        for (StreamMessage<String, String> m : page) {
                            if (m.getId().equals(below)) {
                                continue;
                            }
                            n++;
                            last = m.getId();
                            String payload = m.getBody().get("d");
                            String path = m.getBody().get("p");
                            if (payload == null || path == null) {
                                continue;
                            }
                            if (mark != null
                                    ? compareIds(m.getId(), mark) <= 0
                                    : payload.indexOf('\n') == after.length() && payload.startsWith(after)) {
                                result.complete(answer(newestFirst, max, true));
                                return;
                            }
                            Path p = Path.of(path);
                            for (PathPattern pp : patterns) {
                                if (pp.matches(p)) {
                                    newestFirst.add(parse(p, payload));
                                    break;
                                }
                            }
                        }
                        int total = scanned + n;
                        if (n < PAGE && mark != null) {
                            // The whole log is newer than the mark: complete unless entries after it were trimmed.
                            trimmedAfter(mark)
                                    .whenComplete((trimmed, x) ->
                                            result.complete(answer(newestFirst, max, x == null && !trimmed)));
                        } else if (n < PAGE || total >= cluster.options.logSize()) {
                            result.complete(answer(newestFirst, max, false)); // not in the log any more
                        } else {
                            page(after, mark, patterns, max, last, total, newestFirst, result);
                        }
                    } catch (RuntimeException x) {
                        result.completeExceptionally(x);
                    }
                });
    }

    /** Whether the log dropped entries newer than {@code mark} (XINFO's max-deleted-entry-id, Redis 7). */
    private CompletionStage<Boolean> trimmedAfter(String mark) {
        return cluster.async().xinfoStream(cluster.logKey).handle((info, e) -> {
            if (e != null) {
                // No log at all: nothing was published since a restart; from an empty mark that is no loss.
                return !mark.equals("0-0");
            }
            for (int i = 0; i + 1 < info.size(); i += 2) {
                if ("max-deleted-entry-id".equals(String.valueOf(info.get(i)))) {
                    return compareIds(String.valueOf(info.get(i + 1)), mark) > 0;
                }
            }
            return true; // before Redis 7 we cannot tell: report a gap rather than vouch
        });
    }

    /** Compares stream ids {@code MS-SEQ} numerically. */
    static int compareIds(String x, String y) {
        int dx = x.indexOf('-');
        int dy = y.indexOf('-');
        int c = Long.compareUnsigned(
                Long.parseUnsignedLong(x.substring(0, dx)), Long.parseUnsignedLong(y.substring(0, dy)));
        return c != 0
                ? c
                : Long.compareUnsigned(
                        Long.parseUnsignedLong(x.substring(dx + 1)), Long.parseUnsignedLong(y.substring(dy + 1)));
    }

    private static Replay answer(List<Datagram> newestFirst, int max, boolean found) {
        List<Datagram> kept = new ArrayList<>(newestFirst.subList(0, Math.min(max, newestFirst.size())));
        Collections.reverse(kept);
        return new Replay(kept, found && newestFirst.size() <= max);
    }

    @Override
    public void close() {
        listener = null;
        if (closed.compareAndSet(false, true)) {
            cluster.closed();
        }
    }

    /** One Redis subscription and the patterns it serves on this node. */
    private static final class Subscription {
        final Set<PathPattern> patterns = new CopyOnWriteArraySet<>();
        CompletableFuture<Void> ready;

        boolean matches(Path path) {
            for (PathPattern p : patterns) {
                if (p.matches(path)) {
                    return true;
                }
            }
            return false;
        }
    }
}
