package io.warren.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.spi.ShardExecutor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A shard executor driven by the test: tasks run on {@link #runPending()}, timers on {@link #advance}, on
 * the test's own thread. It keeps the order, one-at-a-time and never-inline guarantees of {@link
 * ShardExecutor} but has no thread of its own, so it does not run {@code ShardExecutorContract}.
 */
final class ManualShardExecutor implements ShardExecutor {
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final List<Timer> timers = new ArrayList<>();
    private long now;
    private boolean running;

    private static final class Timer {
        final long due;
        final Runnable task;
        boolean cancelled;

        Timer(long due, Runnable task) {
            this.due = due;
            this.task = task;
        }
    }

    long now() {
        return now;
    }

    /** Tasks waiting to run. */
    synchronized int queued() {
        return tasks.size();
    }

    @Override
    public synchronized void execute(Runnable command) {
        tasks.add(command);
    }

    @Override
    public boolean inShard() {
        return running;
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, long delay, TimeUnit unit) {
        Timer t = new Timer(now + unit.toNanos(delay), task);
        timers.add(t);
        return () -> t.cancelled = true;
    }

    /** Runs queued tasks (and the tasks they queue) until none is left. */
    void runPending() {
        running = true;
        try {
            Runnable r;
            while ((r = poll()) != null) {
                r.run();
            }
        } finally {
            running = false;
        }
    }

    private synchronized Runnable poll() {
        return tasks.poll();
    }

    /** Moves the clock forward, firing due timers in order, and running tasks as they come. */
    void advance(long nanos) {
        long target = now + nanos;
        runPending();
        while (true) {
            Timer next;
            synchronized (this) {
                next = timers.stream()
                        .filter(t -> !t.cancelled && t.due <= target)
                        .min(Comparator.comparingLong(t -> t.due))
                        .orElse(null);
                if (next != null) {
                    timers.remove(next);
                    now = Math.max(now, next.due);
                }
            }
            if (next == null) {
                break;
            }
            running = true;
            try {
                next.task.run();
            } finally {
                running = false;
            }
            runPending();
        }
        now = target;
        runPending();
    }

    void advanceMillis(long ms) {
        advance(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    /** Runs what is pending, then the result of {@code stage}, which must be complete by then. */
    <T> T done(CompletionStage<T> stage) {
        runPending();
        CompletableFuture<T> f = stage.toCompletableFuture();
        assertThat(f).as("complete once the shard ran").isDone();
        return f.join();
    }
}
