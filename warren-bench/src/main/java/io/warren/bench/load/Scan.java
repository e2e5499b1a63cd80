package io.warren.bench.load;

import java.nio.charset.StandardCharsets;

/** Byte searches over one line or body; the generator parses nothing it does not need. */
final class Scan {
    static final byte[] DATA = bytes("{\"k\":");
    static final byte[] SEQ = bytes(",\"s\":");
    static final byte[] TIME = bytes(",\"t\":");
    static final byte[] OPEN = bytes("\"/meta/open\"");
    static final byte[] CLOSE = bytes("\"/meta/close\"");
    static final byte[] KEEPALIVE = bytes("\"/meta/keepalive\"");
    static final byte[] TUNNEL = bytes("\"tunnel\":\"");
    static final byte[] CLIENT = bytes("\"client\":\"");
    static final byte[] RESUMED = bytes("\"resumed\":true");
    static final byte[] GAP = bytes("\"gap\":true");
    static final byte[] ID = bytes("\"id\":\"");
    static final byte[] SSE_ID = bytes("id: ");

    private Scan() {}

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static int indexOf(byte[] buf, int from, int end, byte[] pat) {
        outer:
        for (int i = from, last = end - pat.length; i <= last; i++) {
            for (int j = 0; j < pat.length; j++) {
                if (buf[i + j] != pat[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static boolean startsWith(byte[] buf, int from, int end, byte[] pat) {
        if (end - from < pat.length) {
            return false;
        }
        for (int j = 0; j < pat.length; j++) {
            if (buf[from + j] != pat[j]) {
                return false;
            }
        }
        return true;
    }

    /** The JSON string value starting at {@code from} (just after the opening quote), unescaped naively. */
    static String stringAt(byte[] buf, int from, int end) {
        int i = from;
        while (i < end && buf[i] != '"') {
            i++;
        }
        return new String(buf, from, i - from, StandardCharsets.UTF_8);
    }

    /** Parses a non-negative decimal at {@code pos[0]}, advancing it; -1 when there is none. */
    static long number(byte[] buf, int[] pos, int end) {
        int i = pos[0];
        long v = 0;
        int start = i;
        while (i < end && buf[i] >= '0' && buf[i] <= '9') {
            v = v * 10 + (buf[i] - '0');
            i++;
        }
        pos[0] = i;
        return i == start ? -1 : v;
    }
}
