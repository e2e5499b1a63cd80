package io.warren.server.hooks;

import io.micrometer.core.instrument.MeterRegistry;
import io.warren.api.NodeListener;
import io.warren.server.config.HookOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lifecycle hooks of one server (docs/backend-api.md): the engine's tunnel events go into a bounded
 * {@link HookQueue} on the shard threads and out, signed and batched, from one {@link HookSender} thread.
 * Each node sends the events of its own tunnels, so in a cluster every event is sent once, by the node
 * where it happened. Off (no thread, no listener) without a hook URL.
 */
public final class Hooks {
    private static final Logger log = LoggerFactory.getLogger(Hooks.class);

    private final HookOptions options;
    private final HookQueue queue;
    private HookSender sender;
    private Thread thread;

    public Hooks(HookOptions options, MeterRegistry registry) {
        this.options = options;
        this.queue = options.enabled() ? new HookQueue(options.queue(), registry) : null;
    }

    /** What the engine calls with each tunnel event; {@link NodeListener#NONE} when hooks are off. */
    public NodeListener listener() {
        return queue != null ? queue : NodeListener.NONE;
    }

    /** Starts the sender thread (once); {@code node} names this node in every request ({@code "node"}). */
    public synchronized void start(String node) {
        if (queue == null || thread != null) {
            return;
        }
        sender = new HookSender(options, queue, node);
        thread = new Thread(sender, "warren-hooks");
        thread.setDaemon(true);
        thread.start();
        // Scheme, host and port only: a URL may carry credentials or tokens.
        log.info(
                "lifecycle hooks to {}://{}{} (queue {}, batch {}, {} retries)",
                options.url().getScheme(),
                options.url().getHost(),
                options.url().getPort() < 0 ? "" : ":" + options.url().getPort(),
                options.queue(),
                options.batch(),
                options.retries());
    }

    /** Sends what is queued within {@code millis}, then stops; what is left is counted as failed. */
    public synchronized void close(long millis) {
        if (thread == null) {
            return;
        }
        sender.stop();
        try {
            thread.join(Math.max(1, millis));
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread = null;
    }
}
