package io.warren.engine;

import io.warren.datagram.Datagram;
import io.warren.path.Path;
import io.warren.server.ops.WarrenMetrics;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the server's metrics cost per delivery when one datagram reaches 1,000 tunnels of a shard:
 * {@code perTunnel} is the old hook (a counter increment and a latency record per tunnel), {@code perBatch}
 * is the shard's {@link DeliveryTally} reporting once per datagram and batch. Scores are per delivery.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DeliveryMetricsBench {
    static final int TUNNELS = 1000;

    WarrenMetrics metrics;
    DeliveryTally tally;
    Datagram d;

    @Setup
    public void setUp() {
        metrics = new WarrenMetrics();
        tally = new DeliveryTally(metrics);
        d = new Datagram("n1-1", Path.of("/bench/room"), "{\"k\":1}", null);
    }

    @Benchmark
    @OperationsPerInvocation(TUNNELS)
    public void perTunnel() {
        for (int t = 0; t < TUNNELS; t++) {
            metrics.delivered(d, 1);
        }
    }

    @Benchmark
    @OperationsPerInvocation(TUNNELS)
    public void perBatch() {
        tally.begin();
        for (int t = 0; t < TUNNELS; t++) {
            tally.count(d);
        }
        tally.end();
    }
}
