package io.warren.server.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.warren.ErrorCode;
import io.warren.api.NodeListener;
import io.warren.api.TunnelView;
import io.warren.datagram.Datagram;
import io.warren.engine.Node;
import io.warren.format.Format;
import io.warren.format.Formats;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's meters, fed by the engine's {@link NodeListener} hooks and by the HTTP layer, exposed in
 * Prometheus text format by {@link #scrape()}; the process meters are in {@link ProcessMeters}, the status
 * page's per-path counts and recent tunnels in {@link StatusActivity}.
 *
 * <p>Hot-path cost: every hook is a counter increment (striped adders) or an atomic add on a gauge
 * looked up without allocation; deliveries come aggregated per datagram and shard batch, and the
 * publish-to-write latency is one histogram record per datagram and shard batch, not per tunnel. Paths are counted per publish (not per delivery) in a bounded map for the status page.
 */
public final class WarrenMetrics implements NodeListener {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter published;
    private final Counter delivered;
    private final Counter bytesOut;
    private final Counter replayHits;
    private final Counter gaps;
    private final Counter opened;
    private final Counter culled;
    private final Counter slow;
    private final Counter presenceDropped;
    private final Timer latency;
    private final Map<ErrorCode, Counter> errors = new EnumMap<>(ErrorCode.class);
    private final Map<String, AtomicLong> attachedByFormat = new ConcurrentHashMap<>();
    private final AtomicLong attached = new AtomicLong();
    private final StatusActivity activity = new StatusActivity();

    public WarrenMetrics() {
        published = Counter.builder("warren.datagrams.published")
                .description("Datagrams accepted for publishing")
                .register(registry);
        delivered = Counter.builder("warren.datagrams.delivered")
                .description("Datagrams written to tunnel connections (one per tunnel reached)")
                .register(registry);
        bytesOut = Counter.builder("warren.bytes.out")
                .baseUnit("bytes")
                .description("Bytes written to client sockets")
                .register(registry);
        replayHits = Counter.builder("warren.replay.hits")
                .description("Re-attaches resumed without loss")
                .register(registry);
        gaps = Counter.builder("warren.replay.gaps")
                .description("Re-attaches or polls that found datagrams lost")
                .register(registry);
        opened = Counter.builder("warren.tunnels.opened")
                .description("Tunnels opened (fresh or replacements)")
                .register(registry);
        culled = Counter.builder("warren.tunnels.culled")
                .description("Tunnels removed after staying detached for tunnel-timeout")
                .register(registry);
        slow = Counter.builder("warren.slow.consumer.closes")
                .description("Connections closed because the client could not keep up")
                .register(registry);
        presenceDropped = Counter.builder("warren.presence.dropped")
                .description("Presence changes dropped for an event loop whose presence queue was full (resynced)")
                .register(registry);
        latency = Timer.builder("warren.delivery.latency")
                .description("From publish to write on tunnel connections (one sample per datagram and shard batch)")
                .serviceLevelObjectives(
                        Duration.ofNanos(100_000),
                        Duration.ofNanos(250_000),
                        Duration.ofNanos(500_000),
                        Duration.ofMillis(1),
                        Duration.ofMillis(2),
                        Duration.ofMillis(5),
                        Duration.ofMillis(10),
                        Duration.ofMillis(25),
                        Duration.ofMillis(50),
                        Duration.ofMillis(100),
                        Duration.ofMillis(250),
                        Duration.ofMillis(500),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(5))
                .register(registry);
        for (ErrorCode c : ErrorCode.values()) {
            errors.put(
                    c,
                    Counter.builder("warren.errors")
                            .tag("code", c.wireName())
                            .description("Error answers, at request level and per datagram")
                            .register(registry));
        }
        ProcessMeters.bindTo(registry);
    }

    /** Registers the gauges read from the node (tunnels, interests) and one attached-tunnel gauge per format. */
    public void bind(Node node) {
        Gauge.builder("warren.tunnels", node, Node::tunnelCount)
                .description("Open tunnels")
                .register(registry);
        Gauge.builder("warren.tunnels.detached", node, n -> Math.max(0, n.tunnelCount() - attached.get()))
                .description("Open tunnels without a connection attached")
                .register(registry);
        Gauge.builder("warren.interests", node, Node::interestCount)
                .description("Distinct patterns this node holds interest in")
                .register(registry);
        Formats formats = node.formats();
        for (Format f : formats.all()) {
            AtomicLong n = attachedByFormat.computeIfAbsent(f.name(), k -> new AtomicLong());
            Gauge.builder("warren.tunnels.attached", n, AtomicLong::get)
                    .tag("format", f.name())
                    .description("Tunnels with a connection attached, by format")
                    .register(registry);
        }
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    // ---- hooks ----

    @Override
    public void published(Datagram d) {
        published.increment();
        activity.published(d);
    }

    @Override
    public void delivered(Datagram d, int tunnels) {
        delivered.increment(tunnels);
        latency.record(System.nanoTime() - d.createdNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void replayHit() {
        replayHits.increment();
    }

    @Override
    public void gap() {
        gaps.increment();
    }

    @Override
    public void slowConsumer() {
        slow.increment();
    }

    @Override
    public void presenceDropped() {
        presenceDropped.increment();
    }

    @Override
    public void tunnelOpened(TunnelView tunnel) {
        opened.increment();
        activity.remember("opened", tunnel);
    }

    @Override
    public void tunnelClosed(TunnelView tunnel) {
        culled.increment();
        activity.remember("culled", tunnel);
    }

    /** The latest openings and culls, newest first: {event, client id, subject or null, epoch millis}. */
    List<String[]> recentTunnels() {
        return activity.recentTunnels();
    }

    @Override
    public void attached(TunnelView tunnel, Format format) {
        attached.incrementAndGet();
        AtomicLong n = attachedByFormat.get(format.name());
        if (n != null) {
            n.incrementAndGet();
        }
    }

    @Override
    public void detached(TunnelView tunnel, Format format) {
        attached.decrementAndGet();
        AtomicLong n = attachedByFormat.get(format.name());
        if (n != null) {
            n.decrementAndGet();
        }
    }

    /** An error answer with {@code code} (request level or one datagram's ack). */
    public void error(ErrorCode code) {
        errors.get(code).increment();
    }

    /** Bytes written to a client socket. */
    public void bytesOut(long n) {
        bytesOut.increment((double) n);
    }

    // ---- figures for the status page ----

    double publishedCount() {
        return published.count();
    }

    double deliveredCount() {
        return delivered.count();
    }

    double bytesOutCount() {
        return bytesOut.count();
    }

    long attachedCount() {
        return attached.get();
    }

    Map<String, Long> attachedByFormat() {
        Map<String, Long> m = new java.util.TreeMap<>();
        attachedByFormat.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    double count(String which) {
        return switch (which) {
            case "gaps" -> gaps.count();
            case "culled" -> culled.count();
            case "slow" -> slow.count();
            case "opened" -> opened.count();
            default -> throw new IllegalArgumentException(which);
        };
    }

    double errorCount() {
        double n = 0;
        for (Counter c : errors.values()) {
            n += c.count();
        }
        return n;
    }

    /** Publish counts per path since start, largest first, at most {@code n}. */
    List<Map.Entry<String, Long>> topPaths(int n) {
        return activity.topPaths(n);
    }

    Timer latency() {
        return latency;
    }
}
