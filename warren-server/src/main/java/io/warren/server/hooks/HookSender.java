package io.warren.server.hooks;

import io.warren.server.config.HookOptions;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the queued events from its own thread, in batches ({@code hook-batch} events, or what came within
 * {@code hook-linger}): one signed POST per batch, answered within {@code hook-timeout}. Anything but a
 * 2xx answer in time is retried with the same body (same ids), after {@code hook-backoff} doubled per
 * attempt up to a minute, with jitter (a random half to whole of it), at most {@code hook-retries} times;
 * then the batch is given up and counted as failed. One batch at a time: events go out in the order they
 * were queued, and a batch waiting for its retries holds back the ones behind it (the queue fills, and
 * beyond it events are dropped, never the shards).
 */
final class HookSender implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(HookSender.class);
    private static final long MAX_BACKOFF_MILLIS = 60_000;

    private final HookOptions options;
    private final HookQueue queue;
    private final HttpClient client;
    private final String node;
    private volatile boolean running = true;

    HookSender(HookOptions options, HookQueue queue, String node) {
        this.options = options;
        this.queue = queue;
        this.node = node;
        this.client = HttpClient.newBuilder()
                .connectTimeout(options.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                // No h2c upgrade dance on plain http (some application servers mishandle it); h2 over TLS.
                .version(
                        options.url().getScheme().equals("http")
                                ? HttpClient.Version.HTTP_1_1
                                : HttpClient.Version.HTTP_2)
                .build();
    }

    @Override
    public void run() {
        try {
            while (running || !queue.isEmpty()) {
                List<HookEvent> batch = queue.nextBatch(
                        options.batch(), running ? 500 : 0, options.linger().toNanos());
                if (!batch.isEmpty()) {
                    send(batch);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            queue.abandon();
        }
    }

    /** Sends what is queued, then returns from {@link #run()} (the caller bounds the wait). */
    void stop() {
        running = false;
    }

    private void send(List<HookEvent> batch) throws InterruptedException {
        byte[] body = HookEvent.json(node, batch);
        HttpRequest.Builder request = HttpRequest.newBuilder(options.url())
                .timeout(options.timeout())
                .header("Content-Type", "application/json")
                .header(HookSignature.HEADER, HookSignature.sign(options.secret(), body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        String last = "";
        for (int attempt = 0; attempt <= options.retries(); attempt++) {
            try {
                if (attempt > 0) {
                    Thread.sleep(backoffMillis(attempt));
                }
                HttpResponse<Void> r = client.send(
                        request.copy()
                                .header("X-Warren-Attempt", Integer.toString(attempt + 1))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() / 100 == 2) {
                    queue.sent.increment(batch.size());
                    return;
                }
                last = "status " + r.statusCode();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                // Stopped at the end of a shutdown: this batch is lost too, and counted.
                queue.failed.increment(batch.size());
                throw e;
            }
            log.debug("hook request failed (attempt {}): {}", attempt + 1, last);
        }
        queue.failed.increment(batch.size());
        log.warn(
                "hook request given up after {} attempts ({} events lost): {}",
                options.retries() + 1,
                batch.size(),
                last);
    }

    /** {@code hook-backoff} doubled per retry, at most a minute, then a random half to whole of that. */
    long backoffMillis(int attempt) {
        long base = options.backoff().toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(MAX_BACKOFF_MILLIS, Math.max(1, base));
        return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    }
}
