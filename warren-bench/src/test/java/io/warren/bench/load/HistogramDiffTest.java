package io.warren.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The per-tunnel class histogram: the loaded histogram minus the empty one, divided by the tunnels. */
class HistogramDiffTest {
    private static final String IDLE = """
            1234:
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:          1000          50000  [B (java.base@17.0.15)
               2:            10            480  io.example.Gone
               3:             5            120  io.example.Lambda$$Lambda$411/0x00007f45cd284eb0
            Total          1015          50600
            """;
    private static final String LOADED = """
               1:          3000         130000  [B (java.base@17.0.15)
               2:           100           6400  io.netty.channel.DefaultChannelHandlerContext
               3:             9            320  io.example.Lambda$$Lambda$977/0x00007f45cd999999
               4:             1              8  io.example.Tiny
            Total          3110         136728
            """;

    @Test
    void subtractsTheEmptyServerAndDividesByTheTunnels() {
        String out = HistogramDiff.perTunnel(IDLE, LOADED, 100);
        assertThat(out).contains("# class histogram at 100 idle SSE tunnels");
        // (136,728 - 50,600) / 100: the class that disappeared counts negative in the total.
        assertThat(out).contains("# total: 861.3 bytes per tunnel");
        assertThat(out.lines().filter(l -> !l.startsWith("#")).toList())
                .containsExactly(
                        "             20.00         800.0  [B",
                        "              1.00          64.0  io.netty.channel.DefaultChannelHandlerContext",
                        // Lambdas are folded by name whatever their address: 320 - 120 bytes; below 1 byte is left out.
                        "              0.04           2.0  io.example.Lambda$$Lambda");
    }
}
