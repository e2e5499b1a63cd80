package io.warren.datagram;

import io.warren.path.PathPattern;
import java.util.List;

/**
 * The one place where the control datagrams Warren itself sends are built: {@code /meta/open} (also
 * the gap notice), {@code /meta/close}, the {@code refused} list, {@code /meta/error},
 * {@code /meta/ack} and {@code /meta/unsubscribed}. Their wire text is part of the protocol (docs/protocol.md): change it here only.
 */
public final class ControlDatagrams {
    private ControlDatagrams() {}

    /**
     * {@code /meta/open}: the tunnel's ids and keepalive; {@code gap} only when true, {@code replaced} and
     * {@code refusedJson} (see {@link #refused}) only when not null.
     */
    public static Datagram open(
            String tunnelId,
            String clientId,
            String clientPath,
            long keepaliveMillis,
            boolean resumed,
            boolean gap,
            String replaced,
            String refusedJson) {
        return open(tunnelId, clientId, clientPath, keepaliveMillis, resumed, gap, replaced, refusedJson, 0);
    }

    /**
     * As above, with {@code expires}: when the tunnel's credentials end (epoch milliseconds; 0 for never, then
     * absent), so that a client can send {@code /meta/refresh} ahead of it.
     */
    public static Datagram open(
            String tunnelId,
            String clientId,
            String clientPath,
            long keepaliveMillis,
            boolean resumed,
            boolean gap,
            String replaced,
            String refusedJson,
            long expiresMillis) {
        StringBuilder sb = new StringBuilder(160).append('{');
        Datagram.quote(sb.append("\"tunnel\":"), tunnelId);
        Datagram.quote(sb.append(",\"client\":"), clientId);
        Datagram.quote(sb.append(",\"path\":"), clientPath);
        sb.append(",\"keepalive\":").append(keepaliveMillis);
        sb.append(",\"resumed\":").append(resumed);
        if (gap) {
            sb.append(",\"gap\":true");
        }
        if (replaced != null) {
            Datagram.quote(sb.append(",\"replaced\":"), replaced);
        }
        if (refusedJson != null) {
            sb.append(",\"refused\":").append(refusedJson);
        }
        if (expiresMillis > 0) {
            sb.append(",\"expires\":").append(expiresMillis);
        }
        return Datagram.control("/meta/open", sb.append('}').toString());
    }

    /** The gap notice to an attached tunnel: a resumed {@code /meta/open} saying {@code gap:true}. */
    public static Datagram gap(String tunnelId, String clientId, String clientPath, long keepaliveMillis) {
        return open(tunnelId, clientId, clientPath, keepaliveMillis, true, true, null, null);
    }

    /** {@code /meta/close} ending a connection: why, and whether the client should come back. */
    public static Datagram close(String reason, boolean reconnect) {
        StringBuilder sb = new StringBuilder(64).append('{');
        Datagram.quote(sb.append("\"reason\":"), reason);
        sb.append(",\"reconnect\":").append(reconnect).append('}');
        return Datagram.control("/meta/close", sb.toString());
    }

    /** {@code /meta/close} for an open that was refused with error {@code code}: do not reconnect. */
    public static Datagram refusedOpen(String code, String message) {
        StringBuilder sb = new StringBuilder(128).append('{');
        Datagram.quote(sb.append("\"reason\":"), code);
        sb.append(",\"reconnect\":false");
        Datagram.quote(sb.append(",\"error\":"), code);
        Datagram.quote(sb.append(",\"message\":"), message == null ? "" : message);
        return Datagram.control("/meta/close", sb.append('}').toString());
    }

    /** {@code /meta/error}: a message that could not be read at all. */
    public static Datagram error(String code, String message) {
        StringBuilder sb = new StringBuilder(96).append('{');
        Datagram.quote(sb.append("\"error\":"), code);
        Datagram.quote(sb.append(",\"message\":"), message == null ? "" : message);
        return Datagram.control("/meta/error", sb.append('}').toString());
    }

    /**
     * {@code /meta/unsubscribed}: the tunnel no longer receives what {@code pattern} matches, and why
     * ({@code reason}, such as {@code forbidden} when refreshed credentials no longer allow it). Its data has the
     * shape of the {@code /meta/subscribe} that made the interest: {@code path}, {@code subpaths} only when true.
     * {@code id} is the datagram's id (it enters the tunnel's replay buffer, in order with what it receives), or
     * null for a control datagram without one.
     */
    public static Datagram unsubscribed(String id, PathPattern pattern, String reason) {
        StringBuilder sb = new StringBuilder(64).append('{');
        Datagram.quote(sb.append("\"path\":"), pattern.wirePath());
        if (pattern.kind() == PathPattern.Kind.SUBTREE) {
            sb.append(",\"subpaths\":true");
        }
        Datagram.quote(sb.append(",\"reason\":"), reason);
        String data = sb.append('}').toString();
        return id == null
                ? Datagram.control("/meta/unsubscribed", data)
                : new Datagram(id, io.warren.path.Path.of("/meta/unsubscribed"), data, null);
    }

    /** {@code /meta/ack}: the answer to one client datagram. */
    public static Datagram ack(Ack ack) {
        return Datagram.control("/meta/ack", ack.toJson());
    }

    /** The {@code refused} value of {@code /meta/open}: a JSON array of wire paths, or null when none. */
    public static String refused(List<PathPattern> refused) {
        if (refused.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder(32 * refused.size()).append('[');
        for (int i = 0; i < refused.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            Datagram.quote(sb, refused.get(i).wirePath());
        }
        return sb.append(']').toString();
    }
}
