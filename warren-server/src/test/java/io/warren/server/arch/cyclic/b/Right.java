package io.warren.server.arch.cyclic.b;

import io.warren.server.arch.cyclic.a.Left;

/** The other half of the deliberate package cycle. */
public final class Right {
    private Right() {}

    public static int depth(int n) {
        return n <= 0 ? 0 : 1 + Left.depth(n - 1);
    }
}
