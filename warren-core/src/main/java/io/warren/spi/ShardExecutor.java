package io.warren.spi;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The one thread that owns a shard of tunnels: every tunnel's state is read and written only on its
 * shard's thread, so the engine takes no locks. The server passes its Netty event loops; an embedding
 * without Netty may pass {@link io.warren.engine.SingleThreadShardExecutor}. Every implementation runs
 * {@code ShardExecutorContract} (warren-core's test jar).
 *
 * <p>Guarantees an implementation gives, and the engine relies on:
 *
 * <ul>
 *   <li><b>One thread.</b> Every task, submitted or scheduled, runs on the same thread, one at a time,
 *       never two at once.
 *   <li><b>Order.</b> Tasks given to {@link #execute} run in the order they were submitted (for tasks
 *       submitted from one thread, and across threads in the order the submissions happened).
 *   <li><b>Never inline.</b> {@link #execute} queues even when called on the shard thread: the task runs
 *       after the current one returns, never inside the caller.
 *   <li><b>Visibility.</b> What the submitting thread wrote before {@code execute} or {@code schedule}
 *       is visible to the task (happens-before).
 *   <li><b>A failing task is contained.</b> A task that throws does not stop the executor; the tasks
 *       after it still run, on the same thread.
 *   <li><b>Shut down means rejected.</b> Shutting the executor down belongs to its owner, not to this
 *       interface; once it is shut down, {@link #execute} and {@link #schedule} throw {@link
 *       RejectedExecutionException} rather than accept a task they will never run.
 * </ul>
 */
public interface ShardExecutor extends Executor {

    /**
     * Queues {@code command} to run on the shard thread after every task submitted before it.
     *
     * @throws RejectedExecutionException once the executor is shut down
     */
    @Override
    void execute(Runnable command);

    /**
     * Whether the calling thread is this executor's thread: true inside its tasks (submitted or scheduled),
     * false on every other thread, including other shards' threads.
     */
    boolean inShard();

    /**
     * Runs {@code task} once on the shard thread, no earlier than {@code delay} after this call (later when
     * the thread is busy). Tasks due at different times run in the order they fall due.
     *
     * @return a handle that cancels the task if it has not started; cancelling a task that ran or was
     *     cancelled already does nothing
     * @throws RejectedExecutionException once the executor is shut down
     */
    Cancellable schedule(Runnable task, long delay, TimeUnit unit);

    /** A scheduled task that can be cancelled, from any thread. */
    @FunctionalInterface
    interface Cancellable {
        /** Stops the task from running if it has not started; idempotent. */
        void cancel();
    }
}
