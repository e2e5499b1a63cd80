package io.warren.bench.jmh;

import io.warren.path.Path;
import io.warren.path.PathPattern;
import io.warren.routing.InterestIndex;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Routing one published path through a shard's {@link InterestIndex}: cost per datagram as the number of
 * patterns grows, for an exact path with few subscribers, a wildcard-heavy index, and a broadcast path
 * with many subscribers (where the cost per matched subscriber is what counts).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RoutingBench {
    /** Distinct patterns (and subscribers) in the index. */
    @Param({"1000", "100000"})
    int patterns;

    InterestIndex<Object> index;
    InterestIndex<Object> broadcast;
    Path exactHit;
    Path wildcardHit;
    Path miss;
    Path broadcastPath;

    @Setup
    public void setUp() {
        index = new InterestIndex<>();
        for (int i = 0; i < patterns; i++) {
            Object sub = new Object();
            // a mix like the "many paths" scenario: exact, one-level and any-depth wildcards
            switch (i % 3) {
                case 0 -> index.add(PathPattern.parse("/app/room" + i + "/chat"), sub);
                case 1 -> index.add(PathPattern.parse("/app/room" + i + "/*"), sub);
                default -> index.add(PathPattern.parse("/app/room" + i + "/**"), sub);
            }
        }
        exactHit = Path.of("/app/room3/chat");
        wildcardHit = Path.of("/app/room5/x/y");
        miss = Path.of("/app/nobody/here");
        broadcast = new InterestIndex<>();
        for (int i = 0; i < patterns; i++) {
            broadcast.add(PathPattern.parse("/news"), new Object());
        }
        broadcastPath = Path.of("/news");
    }

    @Benchmark
    public void matchExact(Blackhole bh) {
        index.match(exactHit, bh::consume);
    }

    @Benchmark
    public void matchWildcard(Blackhole bh) {
        index.match(wildcardHit, bh::consume);
    }

    @Benchmark
    public void matchMiss(Blackhole bh) {
        index.match(miss, bh::consume);
    }

    /** Every pattern subscribes to the same path: the per-subscriber cost of fan-out (divide by {@code patterns}). */
    @Benchmark
    public void matchBroadcast(Blackhole bh) {
        broadcast.match(broadcastPath, bh::consume);
    }

    @Benchmark
    public boolean patternMatches() {
        return PathPattern.parse("/app/**").matches(wildcardHit);
    }
}
