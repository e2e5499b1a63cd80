package io.warren.api;

import io.warren.path.PathPattern;
import org.jspecify.annotations.Nullable;

/**
 * A change in a tunnel's life as its application sees it, heard on the node where it happened (what
 * lifecycle hooks send). Each tunnel has one {@link Kind#OPEN} and at most one end ({@link Kind#CLOSE} or
 * {@link Kind#CULLED}), cluster-wide: a tunnel taken over by another node (the client resumed there) is
 * neither closed on the first node nor opened on the second; it goes on. Interests restored by a takeover
 * or let go with the tunnel's end are not announced one by one.
 *
 * @param kind    what happened
 * @param tunnel  the tunnel (client id and identity; never the secret tunnel id)
 * @param pattern the interest, for {@link Kind#SUBSCRIBE} and {@link Kind#UNSUBSCRIBE}; null otherwise
 * @param reason  why the tunnel ended, for {@link Kind#CLOSE} ({@code expired}: its credentials ran out)
 *                and {@link Kind#CULLED} ({@code culled}: its client stayed away too long, or the tunnel
 *                could not be kept); null otherwise
 */
public record TunnelEvent(
        Kind kind,
        TunnelView tunnel,
        @Nullable PathPattern pattern,
        @Nullable String reason) {

    public enum Kind {
        /** The tunnel was opened (fresh, or as the replacement of an unknown or culled one). */
        OPEN,
        /** The client added an interest: listed at open (right after {@code OPEN}) or {@code /meta/subscribe}. */
        SUBSCRIBE,
        /** The client dropped an interest with {@code /meta/unsubscribe}. */
        UNSUBSCRIBE,
        /** The tunnel ended for a reason other than culling (its credentials expired). */
        CLOSE,
        /** The tunnel was culled: its client stayed away longer than the tunnel timeout. */
        CULLED
    }

    public static TunnelEvent open(TunnelView t) {
        return new TunnelEvent(Kind.OPEN, t, null, null);
    }

    public static TunnelEvent subscribe(TunnelView t, PathPattern p) {
        return new TunnelEvent(Kind.SUBSCRIBE, t, p, null);
    }

    public static TunnelEvent unsubscribe(TunnelView t, PathPattern p) {
        return new TunnelEvent(Kind.UNSUBSCRIBE, t, p, null);
    }

    /** The end of {@code t} for {@code reason}: {@code culled} is {@link Kind#CULLED}, any other {@link Kind#CLOSE}. */
    public static TunnelEvent ended(TunnelView t, String reason) {
        return new TunnelEvent(reason.equals("culled") ? Kind.CULLED : Kind.CLOSE, t, null, reason);
    }
}
