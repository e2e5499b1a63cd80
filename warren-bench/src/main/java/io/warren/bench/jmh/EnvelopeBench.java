package io.warren.bench.jmh;

import io.warren.datagram.Datagram;
import io.warren.datagram.JsonData;
import io.warren.format.Format;
import io.warren.format.Formats;
import io.warren.path.Path;
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

/**
 * Rendering a datagram's envelope per format: {@code render} is the first (uncached) rendering of a
 * fresh datagram, JSON included, which happens once per datagram and format; {@code cached} is what every
 * further subscriber of the same datagram pays.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EnvelopeBench {
    @Param({"sse", "stream", "iframe", "longpoll", "jsonp", "ws"})
    String format;

    @Param({"small", "1k"})
    String size;

    Format f;
    Path path;
    byte[] data; // validated once, as a publish does
    Datagram cached;
    long n;

    @Setup
    public void setUp() {
        f = Formats.builtIn().get(format);
        path = Path.of("/bench/room/42");
        data = JsonData.of(
                size.equals("small")
                        ? "{\"k\":1,\"s\":123456,\"t\":98765432100}"
                        : "{\"text\":\"" + "lorem </script> ipsum \\u2028 ".repeat(36) + "\"}");
        cached = new Datagram("n1-1", path, data, "c1");
        f.envelope(cached);
    }

    @Benchmark
    public byte[] render() {
        return f.envelope(new Datagram("n1-" + n++, path, data, "c1"));
    }

    @Benchmark
    public byte[] cached() {
        return f.envelope(cached);
    }
}
