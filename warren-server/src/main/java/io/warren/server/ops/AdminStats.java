package io.warren.server.ops;

import io.micrometer.core.instrument.Counter;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.warren.datagram.Datagram;
import io.warren.engine.Node;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the status page: every {@code stats-interval} it publishes one datagram with the node's figures
 * to {@value #PATH}. Being a {@code /meta/} path, only tunnels the server subscribes itself (the
 * {@code /admin} feed) receive it: clients cannot subscribe to {@code /meta/} and no wildcard matches it.
 * With a shared broker every node's page sees every node's figures, told apart by {@code node}.
 */
public final class AdminStats {
    public static final String PATH = "/meta/admin/stats";
    private static final Logger log = LoggerFactory.getLogger(AdminStats.class);

    private final Node node;
    private final WarrenMetrics metrics;
    private final String nodeName;
    private ScheduledFuture<?> task;
    private long lastNanos;
    private double lastPublished;
    private double lastDelivered;
    private double lastBytes;

    public AdminStats(Node node, WarrenMetrics metrics, String nodeName) {
        this.node = node;
        this.metrics = metrics;
        this.nodeName = nodeName;
    }

    /** Starts publishing on {@code executor} every {@code intervalMillis}. */
    public synchronized void start(EventExecutor executor, long intervalMillis) {
        stop();
        lastNanos = System.nanoTime();
        lastPublished = metrics.publishedCount();
        lastDelivered = metrics.deliveredCount();
        lastBytes = metrics.bytesOutCount();
        task = executor.scheduleAtFixedRate(this::tick, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    public synchronized void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    private void tick() {
        try {
            node.publish(PATH, snapshot());
        } catch (RuntimeException e) {
            log.warn("status figures not published: {}", e.toString());
        }
    }

    /** The figures as JSON: counts, per-second rates since the previous snapshot, top paths, memory. */
    String snapshot() {
        long now = System.nanoTime();
        double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
        double published = metrics.publishedCount();
        double delivered = metrics.deliveredCount();
        double bytes = metrics.bytesOutCount();
        // The stats datagram itself is a publish; leave it out of the rate.
        double publishRate = Math.max(0, published - lastPublished - 1) / seconds;
        double deliverRate = (delivered - lastDelivered) / seconds;
        double byteRate = (bytes - lastBytes) / seconds;
        lastNanos = now;
        lastPublished = published;
        lastDelivered = delivered;
        lastBytes = bytes;

        int tunnels = node.tunnelCount();
        long attached = metrics.attachedCount();
        StringBuilder sb = new StringBuilder(512).append('{');
        Datagram.quote(sb.append("\"node\":"), nodeName);
        sb.append(",\"time\":").append(System.currentTimeMillis());
        sb.append(",\"tunnels\":").append(tunnels);
        sb.append(",\"attached\":").append(attached);
        sb.append(",\"detached\":").append(Math.max(0, tunnels - attached));
        sb.append(",\"byFormat\":{");
        boolean first = true;
        for (Map.Entry<String, Long> e : metrics.attachedByFormat().entrySet()) {
            Datagram.quote(first ? sb : sb.append(','), e.getKey()).append(':').append(e.getValue());
            first = false;
        }
        sb.append('}');
        sb.append(",\"interests\":").append(node.interestCount());
        sb.append(",\"rates\":{\"published\":")
                .append(round(publishRate))
                .append(",\"delivered\":")
                .append(round(deliverRate))
                .append(",\"bytesOut\":")
                .append(round(byteRate))
                .append('}');
        sb.append(",\"totals\":{\"published\":")
                .append((long) published)
                .append(",\"delivered\":")
                .append((long) delivered)
                .append(",\"gaps\":")
                .append((long) metrics.count("gaps"))
                .append(",\"culled\":")
                .append((long) metrics.count("culled"))
                .append(",\"slow\":")
                .append((long) metrics.count("slow"))
                .append(",\"errors\":")
                .append((long) metrics.errorCount())
                .append('}');
        hooks(sb);
        sb.append(",\"latencyMs\":{\"mean\":")
                .append(round(metrics.latency().mean(TimeUnit.MICROSECONDS) / 1000))
                .append(",\"max\":")
                .append(round(metrics.latency().max(TimeUnit.MICROSECONDS) / 1000))
                .append('}');
        sb.append(",\"topPaths\":[");
        List<Map.Entry<String, Long>> top = metrics.topPaths(10);
        for (int i = 0; i < top.size(); i++) {
            Datagram.quote(
                            (i > 0 ? sb.append(',') : sb).append("{\"path\":"),
                            top.get(i).getKey())
                    .append(",\"count\":")
                    .append(top.get(i).getValue())
                    .append('}');
        }
        sb.append(']');
        sb.append(",\"recentTunnels\":[");
        List<String[]> recent = metrics.recentTunnels();
        for (int i = 0; i < recent.size(); i++) {
            String[] e = recent.get(i);
            Datagram.quote((i > 0 ? sb.append(',') : sb).append("{\"event\":"), e[0]);
            Datagram.quote(sb.append(",\"client\":"), e[1]);
            if (e[2] != null) {
                Datagram.quote(sb.append(",\"subject\":"), e[2]);
            }
            sb.append(",\"time\":").append(e[3]).append('}');
        }
        sb.append(']');
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        sb.append(",\"heap\":{\"used\":")
                .append(heap.getUsed())
                .append(",\"max\":")
                .append(heap.getMax())
                .append('}');
        return sb.append('}').toString();
    }

    /** {@code ,"hooks":{"sent":N,"dropped":N,"failed":N}} when lifecycle hooks are on (their meters exist). */
    private void hooks(StringBuilder sb) {
        String sep = ",\"hooks\":{";
        for (String outcome : new String[] {"sent", "dropped", "failed"}) {
            Counter c = metrics.registry()
                    .find("warren.hooks.events")
                    .tag("outcome", outcome)
                    .counter();
            if (c != null) {
                Datagram.quote(sb.append(sep), outcome).append(':').append((long) c.count());
                sep = ",";
            }
        }
        if (sep.equals(",")) {
            sb.append('}');
        }
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
