package io.warren.redis;

import io.lettuce.core.Delegating;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisChannelWriter;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.DefaultEndpoint;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds connections that stalled without closing: a network partition, or a half-open connection after a
 * lost NAT entry or a Redis host that vanished. TCP notices neither for hours, so a Pub/Sub connection
 * would deliver nothing, silently, and commands would time out forever. Every {@code interval} each
 * connection is sent a {@code PING}; one that times out (the command timeout) is disconnected, so that
 * Lettuce reconnects, and the reconnect runs the usual path: subscribe again, then tell tunnels of a gap.
 * A PING rejected because the connection is already down is left to Lettuce's own reconnect.
 */
final class Heartbeat {
    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final List<StatefulRedisConnection<String, String>> connections;
    private final AtomicBoolean[] waiting;
    private final ScheduledFuture<?> task;

    Heartbeat(
            List<StatefulRedisConnection<String, String>> connections,
            ScheduledExecutorService scheduler,
            Duration interval) {
        this.connections = List.copyOf(connections);
        this.waiting = new AtomicBoolean[connections.size()];
        for (int i = 0; i < waiting.length; i++) {
            waiting[i] = new AtomicBoolean();
        }
        long ms = interval.toMillis();
        this.task = scheduler.scheduleWithFixedDelay(this::beat, ms, ms, TimeUnit.MILLISECONDS);
    }

    private void beat() {
        for (int i = 0; i < connections.size(); i++) {
            StatefulRedisConnection<String, String> c = connections.get(i);
            AtomicBoolean pending = waiting[i];
            if (!c.isOpen() || !pending.compareAndSet(false, true)) {
                continue; // reconnecting, or the last PING is still out
            }
            c.async().ping().whenComplete((pong, e) -> {
                pending.set(false);
                if (e instanceof RedisCommandTimeoutException && c.isOpen()) {
                    log.warn("a Redis connection stalled (no PONG within {}); reconnecting", c.getTimeout());
                    if (c instanceof RedisChannelHandler<?, ?> handler) {
                        disconnect(handler.getChannelWriter());
                    }
                }
            });
        }
    }

    /** Closes the channel under the connection (not the connection): Lettuce's watchdog reconnects. */
    private static void disconnect(RedisChannelWriter writer) {
        Object w = writer;
        while (w instanceof Delegating<?> d) {
            w = d.getDelegate();
        }
        if (w instanceof DefaultEndpoint endpoint) {
            endpoint.disconnect();
        }
    }

    void stop() {
        task.cancel(false);
    }
}
