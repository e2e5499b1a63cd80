package io.warren.server.arch.cyclic.a;

import io.warren.server.arch.cyclic.b.Right;

/** Half of a deliberate package cycle: proves {@code PackageCyclesTest} catches one. */
public final class Left {
    private Left() {}

    public static int depth(int n) {
        return n <= 0 ? 0 : 1 + Right.depth(n - 1);
    }
}
