package io.warren.redis;

import io.lettuce.core.ScriptOutputType;
import io.warren.spi.TunnelRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request and reply between nodes for {@link TunnelRegistry#forward}, on the node channels
 * ({@code warren:n:NODE}) that already carry eviction notices. One script reads the tunnel's owner from its
 * record and publishes the request on the owner's channel, so finding the owner and reaching it is one
 * round trip; the owner publishes its answer on the requester's channel under the request's correlation
 * id.
 *
 * <p>Messages (a tunnel id never starts with {@code ?} or {@code !}, so eviction notices stay bare ids):
 * {@code ?REQUESTER CORRELATION TUNNEL\nREQUEST} and {@code !CORRELATION\nANSWER}, the answer being
 * {@code +TEXT} (the owner's answer), {@code -} (the owner does not hold the tunnel) or {@code x} (it
 * failed to serve it).
 *
 * <p>Bounded: at most {@link #MAX_IN_FLIGHT} requests wait for an answer, each at most {@link #TIMEOUT};
 * beyond either the stage fails at once. On one Redis, a request that reached no subscriber (the owner's
 * node is gone: its Pub/Sub connection closed with it) fails at once too. On a Redis Cluster that count
 * is not known ({@link RedisCluster#publishCountsEverySubscriber}: the script runs at the master of the
 * tunnel's record, the owner subscribes at the log's master and is reached over the cluster bus), so a
 * gone owner is found by the timeout. A late answer finds no waiter and is dropped.
 */
final class RedisForwarding {
    private static final Logger log = LoggerFactory.getLogger(RedisForwarding.class);
    /** How long a forwarded request waits for the owner's answer. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** Forwarded requests waiting for an answer at most, per node. */
    static final int MAX_IN_FLIGHT = 1024;

    /** KEYS: record. ARGV: me, node channel prefix, message. -1: no other node owns it; else the receivers. */
    private static final RedisCluster.Script FORWARD = new RedisCluster.Script("""
            local o = redis.call('HGET', KEYS[1], 'o')
            if not o or o == ARGV[1] then return -1 end
            return redis.call('PUBLISH', ARGV[2] .. o, ARGV[3])
            """);

    private final RedisCluster cluster;
    private final ConcurrentHashMap<Long, CompletableFuture<String>> waiting = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong correlation = new AtomicLong();

    RedisForwarding(RedisCluster cluster) {
        this.cluster = cluster;
    }

    static boolean isForwarding(String message) {
        return !message.isEmpty() && (message.charAt(0) == '?' || message.charAt(0) == '!');
    }

    CompletionStage<String> forward(String recordKey, String tunnelId, String request) {
        if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
            inFlight.decrementAndGet();
            return CompletableFuture.failedFuture(
                    new IllegalStateException("more than " + MAX_IN_FLIGHT + " forwarded requests in flight"));
        }
        long id = correlation.incrementAndGet();
        CompletableFuture<String> answer = new CompletableFuture<>();
        waiting.put(id, answer);
        answer.orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).whenComplete((a, e) -> {
            if (waiting.remove(id) != null) {
                inFlight.decrementAndGet();
            }
        });
        String message = "?" + cluster.nodeId + " " + id + " " + tunnelId + "\n" + request;
        cluster.<Long>eval(
                        FORWARD,
                        ScriptOutputType.INTEGER,
                        new String[] {recordKey},
                        cluster.nodeId,
                        cluster.nodeChannelPrefix,
                        message)
                .whenComplete((receivers, e) -> {
                    if (e != null) {
                        answer.completeExceptionally(e);
                    } else if (receivers < 0) {
                        answer.complete(null);
                    } else if (receivers == 0 && cluster.publishCountsEverySubscriber()) {
                        // On a Redis Cluster the script runs at the record's master, which counts only its
                        // own subscribers: the owner (subscribed at the log's master) is reached over the
                        // cluster bus, or, if it is gone, the request times out.
                        answer.completeExceptionally(
                                new IllegalStateException("the node holding the tunnel is not connected"));
                    }
                });
        return answer;
    }

    /** A forwarding message on this node's channel (Pub/Sub thread). */
    void receive(String message, TunnelRegistry.Listener listener) {
        int eol = message.indexOf('\n');
        if (eol < 0) {
            log.warn("ignoring a malformed forwarding message");
            return;
        }
        String head = message.substring(1, eol);
        String body = message.substring(eol + 1);
        if (message.charAt(0) == '!') {
            answered(head, body);
            return;
        }
        String[] parts = head.split(" ", 3);
        if (parts.length != 3) {
            log.warn("ignoring a malformed forwarded request");
            return;
        }
        String replyTo = cluster.nodeChannelPrefix + parts[0];
        String prefix = "!" + parts[1] + "\n";
        CompletionStage<String> served;
        try {
            served = listener == null ? CompletableFuture.completedFuture(null) : listener.forwarded(parts[2], body);
        } catch (RuntimeException e) {
            served = CompletableFuture.failedFuture(e);
        }
        served.whenComplete((a, e) -> {
            if (e != null) {
                log.warn("serving a forwarded request failed: {}", e.toString());
            }
            String reply = e != null ? "x" : a == null ? "-" : "+" + a;
            cluster.async().publish(replyTo, prefix + reply).exceptionally(pe -> {
                log.debug("answering a forwarded request failed (it times out there): {}", pe.toString());
                return 0L;
            });
        });
    }

    private void answered(String head, String body) {
        long id;
        try {
            id = Long.parseLong(head);
        } catch (NumberFormatException e) {
            log.warn("ignoring a malformed forwarding answer");
            return;
        }
        CompletableFuture<String> answer = waiting.get(id);
        if (answer == null) {
            return; // timed out already
        }
        if (body.startsWith("+")) {
            answer.complete(body.substring(1));
        } else if (body.equals("-")) {
            answer.complete(null);
        } else {
            answer.completeExceptionally(new IllegalStateException("the node holding the tunnel failed to serve it"));
        }
    }

    /** Fails every waiting request (the node is closing). */
    void close() {
        waiting.values().forEach(f -> f.completeExceptionally(new IllegalStateException("closed")));
    }
}
