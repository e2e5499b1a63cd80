package io.warren.server;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Waits until every event loop of a group has run the tasks queued on it so far: a loop runs its tasks in
 * order, so a no-op task submitted to each loop completes only after everything submitted before it.
 *
 * <p>Why the shutdown needs it: {@code Node.shutdown} has each shard end its connections with the
 * {@code /meta/close} datagram, but a tunnel's shard need not be its socket's event loop (a poll or a
 * re-attach may arrive on another loop), and then the write is only queued on the socket's loop. Stopping
 * the loops closes their channels first and runs the queued tasks after, so without this barrier such a
 * datagram was lost now and then (a held poll answered with nothing, a stream cut without its close). After
 * it, every close datagram has been written and flushed to its socket (channels on an application's own
 * loops, see {@code WarrenServer.mount}, are not covered: the application stops those loops).
 */
final class LoopBarrier {
    private LoopBarrier() {}

    /** Returns whether every loop got there before {@code deadlineNanos} ({@link System#nanoTime()}). */
    static boolean await(EventLoopGroup group, long deadlineNanos) {
        List<Future<?>> marks = new ArrayList<>();
        for (EventExecutor loop : group) {
            if (!loop.isShuttingDown()) {
                marks.add(loop.submit(() -> {}));
            }
        }
        for (Future<?> mark : marks) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0 || !mark.awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }
}
