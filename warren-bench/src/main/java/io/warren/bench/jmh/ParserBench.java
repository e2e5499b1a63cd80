package io.warren.bench.jmh;

import io.warren.datagram.ClientDatagram;
import io.warren.datagram.ClientDatagramParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
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

/** Parsing a client (or backend) request body of {@code count} datagrams, as {@code POST /events} does. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ParserBench {
    @Param({"1", "10", "100"})
    int count;

    byte[] body;

    @Setup
    public void setUp() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"tunnel\":\"Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA\",\"id\":\"r")
                    .append(i)
                    .append("\",\"path\":\"/chat/room")
                    .append(i % 7)
                    .append("\",\"data\":{\"text\":\"hello ")
                    .append(i)
                    .append("\",\"n\":")
                    .append(i)
                    .append(",\"tags\":[\"a\",\"b\"]}}");
        }
        body = sb.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public List<ClientDatagram> parse() {
        return ClientDatagramParser.parse(body);
    }
}
