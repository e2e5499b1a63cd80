package io.warren.spi;

import io.warren.path.Path;
import io.warren.path.PathPattern;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What one identity may subscribe to and publish to, as two lists of patterns (the JWT claim
 * {@code "warren": {"subscribe": [...], "publish": [...]}}, the callback's answer, or the rules for
 * anonymous clients). Immutable.
 *
 * <p>A subscription is allowed when the allowed patterns together cover every path it can match:
 * {@code /a/**} covers {@code /a/b}, {@code /a/*}, {@code /a/b/**}; {@code /a} plus {@code /a/**} cover
 * {@code /a} with {@code subpaths:true}; {@code /a/*} does not cover {@code /a/**}. A publish to a path is
 * allowed when an allowed pattern matches it; {@code /client/*} in the publish list allows sending to
 * any client's path (wildcards otherwise never match {@code /client/...}).
 */
public record Permissions(List<PathPattern> subscribe, List<PathPattern> publish) {
    /** The identity attribute under which authenticators store an identity's permissions. */
    public static final String ATTRIBUTE = "warren.permissions";

    public static final Permissions NONE = new Permissions(List.of(), List.of());

    public Permissions {
        subscribe = List.copyOf(subscribe);
        publish = List.copyOf(publish);
    }

    /**
     * Parses pattern texts ({@code /a/b}, {@code /a/*}, {@code /a/**}); throws {@code bad-path}
     * ({@link io.warren.WarrenException}) for a malformed one.
     */
    public static Permissions parse(Collection<String> subscribe, Collection<String> publish) {
        return new Permissions(patterns(subscribe), patterns(publish));
    }

    private static List<PathPattern> patterns(Collection<String> texts) {
        List<PathPattern> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(PathPattern.parse(t.trim(), false));
        }
        return out;
    }

    public boolean isEmpty() {
        return subscribe.isEmpty() && publish.isEmpty();
    }

    public boolean allowsSubscribe(PathPattern wanted) {
        if (wanted.kind() == PathPattern.Kind.SUBTREE) {
            String base = wanted.base();
            return coveredBy(subscribe, PathPattern.parse(base, false))
                    && coveredBy(subscribe, PathPattern.parse(base.equals("/") ? "/**" : base + "/**", false));
        }
        return coveredBy(subscribe, wanted);
    }

    public boolean allowsPublish(Path path) {
        for (PathPattern a : publish) {
            if (a.matches(path)) {
                return true;
            }
            if (path.isClient()
                    && a.kind() == PathPattern.Kind.CHILDREN
                    && a.base().equals("/client")
                    && path.depth() == 2) {
                return true;
            }
        }
        return false;
    }

    private static boolean coveredBy(List<PathPattern> allowed, PathPattern wanted) {
        for (PathPattern a : allowed) {
            if (covers(a, wanted)) {
                return true;
            }
        }
        return false;
    }

    /** Whether every path {@code p} (CHILDREN, DESCENDANTS or EXACT) can match is matched by {@code a}. */
    static boolean covers(PathPattern a, PathPattern p) {
        String b = a.base();
        String c = p.base();
        if (p.kind() == PathPattern.Kind.EXACT) {
            return a.matches(Path.of(c));
        }
        return switch (a.kind()) {
            case EXACT -> false;
            case CHILDREN -> p.kind() == PathPattern.Kind.CHILDREN && c.equals(b);
            case DESCENDANTS, SUBTREE -> c.equals(b) || under(c, b);
        };
    }

    private static boolean under(String c, String b) {
        return b.equals("/") ? !c.equals("/") : c.startsWith(b + "/");
    }
}
