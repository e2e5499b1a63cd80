package io.warren.server.hooks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.warren.api.NodeListener;
import io.warren.api.TunnelEvent;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded hand-off between the shards, where tunnel events happen, and the {@link HookSender}'s
 * thread. A shard only stamps the event with an id and the time and offers it: it never waits. When the
 * queue is full the event is dropped, counted ({@code warren_hooks_events_total{outcome="dropped"}}) and
 * logged at most every ten seconds; deliveries to browsers go on untouched.
 */
final class HookQueue implements NodeListener {
    private static final Logger log = LoggerFactory.getLogger(HookQueue.class);
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final ArrayBlockingQueue<HookEvent> queue;
    /** Unique to this process start, so that ids never repeat across nodes and restarts. */
    private final String prefix;

    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
    final Counter sent;
    final Counter dropped;
    final Counter failed;

    HookQueue(int capacity, MeterRegistry registry) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        byte[] r = new byte[6];
        new SecureRandom().nextBytes(r);
        this.prefix = HexFormat.of().formatHex(r) + "-";
        sent = outcome(registry, "sent", "Tunnel events the application acknowledged (2xx)");
        dropped = outcome(registry, "dropped", "Tunnel events dropped because the hook queue was full");
        failed = outcome(registry, "failed", "Tunnel events given up after every retry (or at shutdown)");
        Gauge.builder("warren.hooks.queued", queue, ArrayBlockingQueue::size)
                .description("Tunnel events waiting to be sent")
                .register(registry);
    }

    private static Counter outcome(MeterRegistry registry, String outcome, String description) {
        return Counter.builder("warren.hooks.events")
                .tag("outcome", outcome)
                .description(description)
                .register(registry);
    }

    /** Shard thread: stamps and offers; never blocks. */
    @Override
    public void tunnelEvent(TunnelEvent e) {
        HookEvent h = new HookEvent(prefix + sequence.incrementAndGet(), e, System.currentTimeMillis());
        if (!queue.offer(h)) {
            dropped.increment();
            long now = System.nanoTime();
            long last = lastLog.get();
            if (now - last >= LOG_EVERY_NANOS && lastLog.compareAndSet(last, now)) {
                log.warn(
                        "hook queue full ({} events): events are dropped ({} so far); is the hook URL slow or down?",
                        queue.remainingCapacity() + queue.size(),
                        (long) dropped.count());
            }
        }
    }

    /**
     * Sender thread: up to {@code max} events, waiting up to {@code firstWaitMillis} for the first and then
     * up to {@code lingerNanos} for the batch to fill; empty when nothing came.
     */
    List<HookEvent> nextBatch(int max, long firstWaitMillis, long lingerNanos) throws InterruptedException {
        List<HookEvent> batch = new ArrayList<>(Math.min(max, 64));
        HookEvent first = queue.poll(firstWaitMillis, TimeUnit.MILLISECONDS);
        if (first == null) {
            return batch;
        }
        batch.add(first);
        long until = System.nanoTime() + lingerNanos;
        while (batch.size() < max) {
            queue.drainTo(batch, max - batch.size());
            long left = until - System.nanoTime();
            if (batch.size() >= max || left <= 0) {
                break;
            }
            HookEvent next = queue.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                break;
            }
            batch.add(next);
        }
        return batch;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** At shutdown: what was never sent, counted as failed. */
    void abandon() {
        List<HookEvent> left = new ArrayList<>();
        queue.drainTo(left);
        failed.increment(left.size());
    }
}
