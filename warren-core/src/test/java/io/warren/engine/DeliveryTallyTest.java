package io.warren.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.api.NodeListener;
import io.warren.datagram.Datagram;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Deliveries are reported once per datagram and batch, with the number of tunnels; outside a batch one by one. */
class DeliveryTallyTest {
    private final List<String> calls = new ArrayList<>();
    private final DeliveryTally tally = new DeliveryTally(new NodeListener() {
        @Override
        public void delivered(Datagram d, int tunnels) {
            calls.add(d.id() + "x" + tunnels);
        }
    });
    private final Datagram a = Datagram.control("/a", "1");
    private final Datagram b = new Datagram("b", io.warren.path.Path.of("/b"), "2", null);
    private final Datagram c = new Datagram("c", io.warren.path.Path.of("/c"), "3", null);

    @Test
    void oneCallPerDatagramAndBatch() {
        tally.begin();
        for (int t = 0; t < 1000; t++) {
            tally.count(b);
        }
        tally.end();
        assertThat(calls).containsExactly("bx1000");

        calls.clear();
        tally.begin();
        for (int t = 0; t < 3; t++) { // each tunnel gets b then c
            tally.count(b);
            tally.count(c);
        }
        tally.count(a);
        tally.end();
        assertThat(calls).containsExactlyInAnyOrder("bx3", "cx3", "nullx1");
    }

    @Test
    void outsideABatchEachWriteIsReported() {
        tally.count(b);
        tally.count(b);
        assertThat(calls).containsExactly("bx1", "bx1");
        tally.begin();
        tally.end();
        assertThat(calls).hasSize(2);
    }
}
