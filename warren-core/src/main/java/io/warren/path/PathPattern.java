package io.warren.path;

import io.warren.ErrorCode;
import io.warren.WarrenException;

/**
 * An interest in paths. Four kinds, written as on the wire:
 * <ul>
 *   <li>{@code /a/b}: exactly {@code /a/b} ({@link Kind#EXACT});</li>
 *   <li>{@code /a/*}: one segment below {@code /a} ({@link Kind#CHILDREN});</li>
 *   <li>{@code /a/**}: any depth below {@code /a} ({@link Kind#DESCENDANTS});</li>
 *   <li>{@code /a} with {@code subpaths:true}: {@code /a} and everything below it ({@link Kind#SUBTREE}).</li>
 * </ul>
 * Neither {@code /a/*} nor {@code /a/**} matches {@code /a} itself. {@code /*} and {@code /**} are
 * allowed and match everything but control ({@code /meta/...}) and client ({@code /client/...}) paths,
 * which only exact patterns reach.
 *
 * <p>Immutable; equal patterns have equal {@link #key()}s.
 */
public final class PathPattern {
    public enum Kind {
        EXACT,
        CHILDREN,
        DESCENDANTS,
        SUBTREE
    }

    private final Kind kind;
    /** The fixed part: the path itself for EXACT and SUBTREE, the parent of the star(s) otherwise ("/" at root). */
    private final String base;

    private final String key;

    private PathPattern(Kind kind, String base) {
        this.kind = kind;
        this.base = base;
        this.key = switch (kind) {
            case EXACT -> base;
            case CHILDREN -> base.equals("/") ? "/*" : base + "/*";
            case DESCENDANTS -> base.equals("/") ? "/**" : base + "/**";
            case SUBTREE -> base + " +subpaths";
        };
    }

    /** Parses the wire form; throws {@code bad-path} for a malformed pattern. */
    public static PathPattern parse(String text, boolean subpaths) {
        int[] slashes = Path.scan(text, !subpaths);
        String last = text.substring(slashes[slashes.length - 1] + 1);
        String parent = slashes.length == 1 ? "/" : text.substring(0, slashes[slashes.length - 1]);
        if (subpaths) {
            return new PathPattern(Kind.SUBTREE, text);
        }
        if (last.equals("*")) {
            return new PathPattern(Kind.CHILDREN, parent);
        }
        if (last.equals("**")) {
            return new PathPattern(Kind.DESCENDANTS, parent);
        }
        return new PathPattern(Kind.EXACT, text);
    }

    public static PathPattern parse(String text) {
        return parse(text, false);
    }

    public static PathPattern exact(Path path) {
        return new PathPattern(Kind.EXACT, path.toString());
    }

    public Kind kind() {
        return kind;
    }

    /** The fixed part of the pattern; see {@link Kind}. Routing indexes patterns by kind and base. */
    public String base() {
        return base;
    }

    /** A canonical text unique to this pattern, for maps and logs. */
    public String key() {
        return key;
    }

    /** The pattern as a client writes it in {@code path} (add {@code subpaths:true} for SUBTREE). */
    public String wirePath() {
        return kind == Kind.SUBTREE ? base : key;
    }

    /** Whether this pattern may only be subscribed by the server itself or a privileged party. */
    public boolean isMeta() {
        return (base + "/").startsWith(Path.META_PREFIX);
    }

    /** Whether the pattern lies under /client/ (only the own exact client path is allowed to clients). */
    public boolean isClient() {
        return (base + "/").startsWith(Path.CLIENT_PREFIX);
    }

    public boolean matches(Path path) {
        String p = path.toString();
        if (kind == Kind.EXACT) {
            return p.equals(base);
        }
        if (!path.isWildcardRoutable()) {
            return false;
        }
        return switch (kind) {
            case CHILDREN -> path.parent().equals(base);
            case DESCENDANTS ->
                base.equals("/")
                        || (p.length() > base.length() && p.startsWith(base) && p.charAt(base.length()) == '/');
            case SUBTREE ->
                p.equals(base) || (p.startsWith(base) && p.length() > base.length() && p.charAt(base.length()) == '/');
            default -> throw new AssertionError(kind);
        };
    }

    /** Rejects control patterns with {@code forbidden}; used for client subscriptions. */
    public PathPattern requireNotMeta() {
        if (isMeta()) {
            throw new WarrenException(ErrorCode.FORBIDDEN, "clients cannot subscribe to /meta/ paths");
        }
        return this;
    }

    @Override
    public String toString() {
        return key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PathPattern p && p.key.equals(key);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }
}
