package io.warren.server.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.warren.server.config.HookOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The application's side of lifecycle hooks, for tests: a real HTTP server (the JDK's) that checks each
 * request's signature with {@link HookSignature#verify} as an application would, and answers as told:
 * {@code 200}, or per request from a plan of failures ({@code 500}, or a hang past the sender's deadline).
 */
final class HookReceiver implements AutoCloseable {
    static final String SECRET = "hook-secret-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as received. */
    record Request(JsonNode body, String text, String signature, boolean signed, int attempt, int status) {
        /** The body's bytes (it is UTF-8 JSON, so its text gives them back exactly). */
        byte[] raw() {
            return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }

        List<JsonNode> events() {
            List<JsonNode> l = new ArrayList<>();
            body.get("events").forEach(l::add);
            return l;
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final ConcurrentLinkedQueue<String> plan = new ConcurrentLinkedQueue<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile String always = "200";
    final List<Request> requests = new CopyOnWriteArrayList<>();

    HookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(threads);
        server.createContext("/hooks", x -> {
            byte[] raw = x.getRequestBody().readAllBytes();
            String signature = x.getRequestHeaders().getFirst(HookSignature.HEADER);
            String next = plan.poll();
            String answer = next != null ? next : always;
            if (answer.equals("hang")) {
                try {
                    released.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                answer = "200";
            }
            int status = Integer.parseInt(answer);
            String attempt = x.getRequestHeaders().getFirst("X-Warren-Attempt");
            requests.add(new Request(
                    JSON.readTree(raw),
                    new String(raw, java.nio.charset.StandardCharsets.UTF_8),
                    signature,
                    HookSignature.verify(SECRET, raw, signature),
                    attempt == null ? 0 : Integer.parseInt(attempt),
                    next != null && next.equals("hang") ? -1 : status));
            x.sendResponseHeaders(status, -1);
            x.close();
        });
        server.start();
    }

    /** The next requests answer these in turn ({@code "500"}, {@code "hang"}), then {@link #always}. */
    HookReceiver failFirst(String... answers) {
        plan.addAll(List.of(answers));
        return this;
    }

    /** Every request not in the plan is answered so ({@code "200"}, {@code "hang"}). */
    HookReceiver always(String answer) {
        always = answer;
        return this;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks");
    }

    HookOptions options() {
        return HookOptions.to(url(), SECRET)
                .withQueue(1000, 10, java.time.Duration.ofMillis(20))
                .withRetries(java.time.Duration.ofSeconds(2), 8, java.time.Duration.ofMillis(50));
    }

    /** Events of every request answered 2xx, in arrival order. */
    List<JsonNode> accepted() {
        List<JsonNode> l = new ArrayList<>();
        for (Request r : requests) {
            if (r.status() / 100 == 2) {
                l.addAll(r.events());
            }
        }
        return l;
    }

    /** Accepted events, each id once (at-least-once may repeat one after a failure), in order of first arrival. */
    List<JsonNode> distinct() {
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<JsonNode> l = new ArrayList<>();
        for (JsonNode e : accepted()) {
            if (seen.add(e.get("id").asText())) {
                l.add(e);
            }
        }
        return l;
    }

    /**
     * Ids that came again in a request that was not a retry: a duplicate is allowed only when the sender
     * saw its earlier request fail (an error, or no answer within its deadline), so it retried.
     */
    List<String> repeatedWithoutRetry() {
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<String> bad = new ArrayList<>();
        for (Request r : requests) {
            for (JsonNode e : r.events()) {
                if (!seen.add(e.get("id").asText()) && r.attempt() <= 1) {
                    bad.add(e.get("id").asText());
                }
            }
        }
        return bad;
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
