package io.warren.path;

import io.warren.ErrorCode;
import io.warren.Limits;
import io.warren.WarrenException;
import java.util.Arrays;

/**
 * A datagram's address: {@code /}-separated, non-empty segments, such as {@code /chat/room1}.
 *
 * <p>Rules, part of the wire contract (docs/protocol.md): a path starts with {@code /}, has between
 * {@value #MIN_DEPTH} and {@value #MAX_DEPTH} segments and at most {@value #MAX_LENGTH} characters; a
 * segment is made of {@code A-Z a-z 0-9} and {@code - _ . ~ : @ ! $ + , ; =}, and is neither {@code .}
 * nor {@code ..}. {@code *} is reserved for patterns. Paths under {@code /meta/} are control paths;
 * {@code /client/C} is the private path of client C.
 *
 * <p>Instances are immutable and compare by their text.
 */
public final class Path {
    public static final int MAX_LENGTH = Limits.MAX_PATH_LENGTH;
    public static final int MAX_DEPTH = Limits.MAX_PATH_DEPTH;
    public static final int MIN_DEPTH = 1;
    public static final String META_PREFIX = "/meta/";
    public static final String CLIENT_PREFIX = "/client/";

    private final String text;
    private String[] prefixes;
    /** Offsets of each '/' that starts a segment; segments[i] = text[slashes[i]+1, slashes[i+1]). */
    private final int[] slashes;

    private Path(String text, int[] slashes) {
        this.text = text;
        this.slashes = slashes;
    }

    /** Parses a path, throwing {@code bad-path} when it breaks a rule. */
    public static Path of(String text) {
        int[] slashes = scan(text, false);
        return new Path(text, slashes);
    }

    /** The client's private path. */
    public static Path client(String clientId) {
        return of(CLIENT_PREFIX + clientId);
    }

    /**
     * Validates {@code text} and returns the offsets of its segment-leading slashes. With
     * {@code allowStars}, a last segment of {@code *} or {@code **} is accepted (patterns).
     */
    static int[] scan(String text, boolean allowStars) {
        if (text == null || text.isEmpty()) {
            throw bad("a path must not be empty");
        }
        if (text.length() > MAX_LENGTH) {
            throw bad("a path must be at most " + MAX_LENGTH + " characters");
        }
        if (text.charAt(0) != '/') {
            throw bad("a path must start with '/'");
        }
        int[] slashes = new int[8];
        int depth = 0;
        int segStart = 1;
        for (int i = 1; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == '/') {
                if (i == segStart) {
                    throw bad("a path must not have empty segments");
                }
                if (depth == MAX_DEPTH) {
                    throw bad("a path must have at most " + MAX_DEPTH + " segments");
                }
                int len = i - segStart;
                if (len <= 2 && text.charAt(segStart) == '.' && (len == 1 || text.charAt(segStart + 1) == '.')) {
                    throw bad("a path must not have '.' or '..' segments");
                }
                if (text.charAt(segStart) == '*') {
                    boolean star = len == 1 || (len == 2 && text.charAt(segStart + 1) == '*');
                    if (!allowStars || !star || i != text.length()) {
                        throw bad("'*' and '**' may only stand as the last segment of a pattern");
                    }
                } else {
                    for (int j = segStart; j < i; j++) {
                        if (!allowed(text.charAt(j))) {
                            throw bad("a path may not contain '" + printable(text.charAt(j)) + "'");
                        }
                    }
                }
                if (depth == slashes.length) {
                    slashes = Arrays.copyOf(slashes, slashes.length * 2);
                }
                slashes[depth++] = segStart - 1;
                segStart = i + 1;
            }
        }
        return Arrays.copyOf(slashes, depth);
    }

    private static String printable(char c) {
        return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }

    private static boolean allowed(char c) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            return true;
        }
        switch (c) {
            case '-':
            case '_':
            case '.':
            case '~':
            case ':':
            case '@':
            case '!':
            case '$':
            case '+':
            case ',':
            case ';':
            case '=':
                return true;
            default:
                return false;
        }
    }

    private static WarrenException bad(String message) {
        return new WarrenException(ErrorCode.BAD_PATH, message);
    }

    public int depth() {
        return slashes.length;
    }

    /** The path made of the first {@code n} segments, {@code n} in [1, depth]. */
    public String prefix(int n) {
        return n == depth() ? text : text.substring(0, slashes[n]);
    }

    /**
     * Every proper ancestor followed by the path itself: {@code /a/b/c} gives {@code [/a, /a/b, /a/b/c]}.
     * Cached; callers must not modify the array. Racy initialisation is benign (same content).
     */
    public String[] prefixes() {
        String[] p = prefixes;
        if (p == null) {
            p = new String[depth()];
            for (int i = 0; i < p.length; i++) {
                p[i] = prefix(i + 1);
            }
            prefixes = p;
        }
        return p;
    }

    public String segment(int i) {
        int end = i + 1 < slashes.length ? slashes[i + 1] : text.length();
        return text.substring(slashes[i] + 1, end);
    }

    /** The parent's text, or {@code "/"} for a path of one segment. */
    public String parent() {
        return depth() == 1 ? "/" : text.substring(0, slashes[depth() - 1]);
    }

    public boolean isMeta() {
        return text.startsWith(META_PREFIX) || text.equals("/meta");
    }

    public boolean isClient() {
        return text.startsWith(CLIENT_PREFIX) || text.equals("/client");
    }

    /** Whether wildcard patterns may reach this path; control and client paths are exact-only. */
    public boolean isWildcardRoutable() {
        return !isMeta() && !isClient();
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Path p && p.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
