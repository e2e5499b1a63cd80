package io.warren.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link ShardExecutor} contract as tests: every implementation with a thread of its own extends this
 * class (see the guarantees in the Javadoc of {@link ShardExecutor}). The executor under test comes from
 * {@link #start()}; {@link #shutDown} is its owner's way of stopping it.
 */
public abstract class ShardExecutorContract {
    protected static final Duration WAIT = Duration.ofSeconds(10);

    private final List<ShardExecutor> started = new ArrayList<>();

    /** A new, running executor. */
    protected abstract ShardExecutor newExecutor();

    /** Shuts {@code executor} down the way its owner does, and returns once it has stopped. */
    protected abstract void shutDown(ShardExecutor executor) throws Exception;

    private ShardExecutor start() {
        ShardExecutor e = newExecutor();
        started.add(e);
        return e;
    }

    @AfterEach
    void shutDownAll() throws Exception {
        for (ShardExecutor e : started) {
            shutDown(e);
        }
    }

    /** Runs {@code task} on the shard and waits for it. */
    private static void runAndWait(ShardExecutor e, Runnable task) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        e.execute(() -> {
            try {
                task.run();
            } finally {
                done.countDown();
            }
        });
        assertThat(done.await(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                .as("task ran")
                .isTrue();
    }

    @Test
    void tasksRunInSubmissionOrderOnOneThreadThatIsNotTheCaller() throws Exception {
        ShardExecutor e = start();
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 1000; i++) {
            int n = i;
            e.execute(() -> {
                order.add(n);
                threads.add(Thread.currentThread());
            });
        }
        runAndWait(e, () -> {});

        assertThat(order).hasSize(1000).isSorted();
        assertThat(threads).hasSize(1).doesNotContain(Thread.currentThread());
    }

    @Test
    void tasksFromManyThreadsRunOneAtATimeEachSubmittersInOrder() throws Exception {
        ShardExecutor e = start();
        int submitters = 4;
        int each = 500;
        AtomicBoolean running = new AtomicBoolean();
        AtomicInteger overlaps = new AtomicInteger();
        List<List<Integer>> seen = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int s = 0; s < submitters; s++) {
            List<Integer> mine = new ArrayList<>(); // written only on the shard thread
            seen.add(mine);
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < each; i++) {
                    int n = i;
                    e.execute(() -> {
                        if (!running.compareAndSet(false, true)) {
                            overlaps.incrementAndGet();
                        }
                        mine.add(n);
                        running.set(false);
                    });
                }
            });
            t.start();
            threads.add(t);
        }
        go.countDown();
        for (Thread t : threads) {
            t.join(WAIT.toMillis());
        }
        List<List<Integer>> copy = new ArrayList<>();
        runAndWait(e, () -> seen.forEach(l -> copy.add(List.copyOf(l))));

        assertThat(overlaps).hasValue(0);
        for (List<Integer> l : copy) {
            assertThat(l).hasSize(each).isSorted();
        }
    }

    @Test
    void aTaskSubmittedOnTheShardRunsAfterTheCurrentTaskNeverInline() throws Exception {
        ShardExecutor e = start();
        List<String> order = new CopyOnWriteArrayList<>();
        runAndWait(e, () -> {
            e.execute(() -> order.add("inner"));
            order.add("outer done");
        });
        runAndWait(e, () -> {});

        assertThat(order).containsExactly("outer done", "inner");
    }

    @Test
    void inShardIsTrueOnlyOnTheShardThread() throws Exception {
        ShardExecutor e = start();
        ShardExecutor other = start();
        List<Boolean> inTask = new CopyOnWriteArrayList<>();
        CountDownLatch scheduled = new CountDownLatch(1);
        runAndWait(e, () -> inTask.add(e.inShard()));
        e.schedule(
                () -> {
                    inTask.add(e.inShard());
                    scheduled.countDown();
                },
                1,
                TimeUnit.MILLISECONDS);
        assertThat(scheduled.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        List<Boolean> onOtherShard = new CopyOnWriteArrayList<>();
        runAndWait(other, () -> onOtherShard.add(e.inShard()));

        assertThat(inTask).containsExactly(true, true);
        assertThat(e.inShard()).as("on the test thread").isFalse();
        assertThat(onOtherShard).as("on another shard's thread").containsExactly(false);
    }

    @Test
    void aScheduledTaskRunsOnceOnTheShardNoEarlierThanItsDelay() throws Exception {
        ShardExecutor e = start();
        long delayMillis = 150;
        List<Long> ranAfterNanos = new CopyOnWriteArrayList<>();
        List<Boolean> onShard = new CopyOnWriteArrayList<>();
        long before = System.nanoTime();
        e.schedule(
                () -> {
                    ranAfterNanos.add(System.nanoTime() - before);
                    onShard.add(e.inShard());
                },
                delayMillis,
                TimeUnit.MILLISECONDS);

        await().atMost(WAIT).until(() -> !ranAfterNanos.isEmpty());
        assertThat(ranAfterNanos.get(0)).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(delayMillis));
        assertThat(onShard).containsExactly(true);
        // Once: a later task still finds exactly one run.
        CountDownLatch later = new CountDownLatch(1);
        e.schedule(later::countDown, 2 * delayMillis, TimeUnit.MILLISECONDS);
        assertThat(later.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(ranAfterNanos).hasSize(1);
    }

    @Test
    void scheduledTasksRunInTheOrderTheyFallDue() throws Exception {
        ShardExecutor e = start();
        List<Integer> order = new CopyOnWriteArrayList<>();
        e.schedule(() -> order.add(300), 300, TimeUnit.MILLISECONDS);
        e.schedule(() -> order.add(100), 100, TimeUnit.MILLISECONDS);
        e.schedule(() -> order.add(200), 200, TimeUnit.MILLISECONDS);

        await().atMost(WAIT).until(() -> order.size() == 3);
        assertThat(order).containsExactly(100, 200, 300);
    }

    @Test
    void aCancelledTaskNeverRunsAndCancellingAgainOrLateDoesNothing() throws Exception {
        ShardExecutor e = start();
        AtomicInteger cancelledRuns = new AtomicInteger();
        AtomicInteger keptRuns = new AtomicInteger();
        ShardExecutor.Cancellable cancelled = e.schedule(cancelledRuns::incrementAndGet, 100, TimeUnit.MILLISECONDS);
        ShardExecutor.Cancellable cancelledOnShard =
                e.schedule(cancelledRuns::incrementAndGet, 100, TimeUnit.MILLISECONDS);
        ShardExecutor.Cancellable kept = e.schedule(keptRuns::incrementAndGet, 1, TimeUnit.MILLISECONDS);
        cancelled.cancel();
        cancelled.cancel();
        runAndWait(e, cancelledOnShard::cancel);
        CountDownLatch afterDue = new CountDownLatch(1);
        e.schedule(afterDue::countDown, 300, TimeUnit.MILLISECONDS);

        assertThat(afterDue.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(cancelledRuns).as("cancelled tasks that fell due").hasValue(0);
        assertThat(keptRuns).hasValue(1);
        kept.cancel(); // after it ran: nothing happens
        runAndWait(e, () -> {});
        assertThat(keptRuns).hasValue(1);
    }

    @Test
    void aTaskThatThrowsDoesNotStopTheExecutor() throws Exception {
        ShardExecutor e = start();
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        e.execute(() -> {
            threads.add(Thread.currentThread());
            throw new IllegalStateException("a task failing on purpose (ShardExecutorContract)");
        });
        e.schedule(
                () -> {
                    throw new IllegalStateException("a scheduled task failing on purpose (ShardExecutorContract)");
                },
                1,
                TimeUnit.MILLISECONDS);
        CountDownLatch after = new CountDownLatch(1);
        e.schedule(after::countDown, 50, TimeUnit.MILLISECONDS);
        assertThat(after.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        runAndWait(e, () -> threads.add(Thread.currentThread()));

        assertThat(threads).hasSize(1);
    }

    @Test
    void onceShutDownExecuteAndScheduleAreRejected() throws Exception {
        ShardExecutor e = newExecutor(); // shut down here, not again after the test
        AtomicInteger ran = new AtomicInteger();
        runAndWait(e, ran::incrementAndGet);
        shutDown(e);

        assertThatThrownBy(() -> e.execute(ran::incrementAndGet)).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> e.schedule(ran::incrementAndGet, 1, TimeUnit.MILLISECONDS))
                .isInstanceOf(RejectedExecutionException.class);
        assertThat(ran).hasValue(1);
    }
}
