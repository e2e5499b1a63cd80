package io.warren.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.NodeOptions;
import io.warren.api.NodeListener;
import io.warren.datagram.ControlDatagrams;
import io.warren.datagram.Datagram;
import io.warren.spi.Authorizer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Presence announcements reach a shard through one bounded queue: one task per burst, overflow counted. */
class PresenceFanoutTest {
    private final ManualShardExecutor exec = new ManualShardExecutor();
    private final AtomicInteger dropped = new AtomicInteger();
    private final NodeListener counting = new NodeListener() {
        @Override
        public void presenceDropped() {
            dropped.incrementAndGet();
        }
    };
    private final Node node = Node.builder()
            .authorizer(Authorizer.allowAll())
            .options(NodeOptions.defaults())
            .executors(List.of(exec))
            .clock(exec::now)
            .build();

    @AfterEach
    void close() {
        node.close();
    }

    private static Datagram change(int i) {
        return ControlDatagrams.presenceChange("id-" + i, "/chat/x", List.of(), List.of());
    }

    @Test
    void aBurstIsOneTaskAndWhatDoesNotFitIsCountedNotQueued() {
        Shard shard = node.shardFor(exec);
        PresenceFanout fanout = new PresenceFanout(() -> new Shard[] {shard}, 2, counting);
        for (int i = 1; i <= 5; i++) {
            fanout.deliver("/chat/x", i, change(i));
        }
        assertThat(exec.queued()).as("one drain task for the burst").isEqualTo(1);
        assertThat(dropped).hasValue(3);

        exec.runPending();
        assertThat(exec.queued()).isZero();
        fanout.deliver("/chat/x", 6, change(6));
        assertThat(exec.queued()).as("drained: the next change schedules again").isEqualTo(1);
        assertThat(dropped).hasValue(3);
        exec.runPending();
    }
}
