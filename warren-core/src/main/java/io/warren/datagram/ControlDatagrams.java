package io.warren.datagram;

import io.warren.path.Path;
import io.warren.path.PathPattern;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The one place where the control datagrams Warren itself sends are built: {@code /meta/open} (also
 * the gap notice), {@code /meta/close}, the {@code refused} list, {@code /meta/error},
 * {@code /meta/ack}, {@code /meta/subscribed} / {@code /meta/unsubscribed} (the backend changed an
 * interest) and {@code /meta/presence} (and the member objects presence and the backend's queries show).
 * Their wire text is part of the protocol (docs/protocol.md): change it here only.
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
     * {@code /meta/subscribed} ({@code added}) or {@code /meta/unsubscribed}: the backend changed an interest of
     * the tunnel, {@code {"path":P,"subpaths":B}}. It carries an id, like the datagrams around it, so that it
     * is replayed in order to a client that re-attaches and never twice.
     */
    public static Datagram interest(String id, boolean added, PathPattern pattern) {
        return new Datagram(
                id,
                io.warren.path.Path.of(added ? "/meta/subscribed" : "/meta/unsubscribed"),
                interestData(pattern, null),
                null);
    }

    /**
     * {@code /meta/unsubscribed} with a reason: the tunnel no longer receives what {@code pattern} matches
     * (such as {@code forbidden} when refreshed credentials no longer allow it), {@code
     * {"path":P,"subpaths":B,"reason":R}}. {@code id} is the datagram's id (it enters the tunnel's replay
     * buffer, in order with what it receives), or null for a control datagram without one.
     */
    public static Datagram unsubscribed(@Nullable String id, PathPattern pattern, String reason) {
        String data = interestData(pattern, reason);
        return id == null
                ? Datagram.control("/meta/unsubscribed", data)
                : new Datagram(id, io.warren.path.Path.of("/meta/unsubscribed"), data, null);
    }

    private static String interestData(PathPattern pattern, @Nullable String reason) {
        StringBuilder sb = new StringBuilder(64).append('{');
        Datagram.quote(sb.append("\"path\":"), pattern.wirePath());
        sb.append(",\"subpaths\":").append(pattern.kind() == PathPattern.Kind.SUBTREE);
        if (reason != null) {
            Datagram.quote(sb.append(",\"reason\":"), reason);
        }
        return sb.append('}').toString();
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

    /**
     * A member as presence and the backend's queries show it: {@code {"client":C,"user":U,"info":{...}}};
     * {@code user} and {@code info} are null when unknown. {@code info} is a JSON object as text (the
     * authenticator's, bounded by it); anything else shows as null.
     */
    public static String member(String client, String user, String info) {
        StringBuilder sb = new StringBuilder(64).append('{');
        Datagram.quote(sb.append("\"client\":"), client);
        sb.append(",\"user\":");
        if (user == null) {
            sb.append("null");
        } else {
            Datagram.quote(sb, user);
        }
        sb.append(",\"info\":").append(infoJson(info));
        return sb.append('}').toString();
    }

    /** {@code info} as one line of JSON when it is a JSON object, else {@code null}. */
    static String infoJson(String info) {
        if (info == null || !info.trim().startsWith("{")) {
            return "null";
        }
        try {
            return new String(JsonData.of(info), java.nio.charset.StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            return "null";
        }
    }

    /**
     * {@code /meta/presence} with the current members of {@code path} ({@link #member} objects, at most
     * the configured bound) and how many there are: what a tunnel subscribing with {@code presence:true}
     * gets first. {@code id} is a datagram id, so that polls acknowledge it like any datagram.
     */
    public static Datagram presenceMembers(String id, String path, List<String> members, int count) {
        StringBuilder sb = new StringBuilder(64 + 64 * members.size()).append('{');
        Datagram.quote(sb.append("\"path\":"), path);
        array(sb.append(",\"members\":"), members);
        sb.append(",\"count\":").append(count);
        return new Datagram(id, Path.of("/meta/presence"), sb.append('}').toString(), null);
    }

    /** {@code /meta/presence}: members ({@link #member} objects) joined or left {@code path}. */
    public static Datagram presenceChange(String id, String path, List<String> joined, List<String> left) {
        StringBuilder sb = new StringBuilder(64 + 64 * (joined.size() + left.size())).append('{');
        Datagram.quote(sb.append("\"path\":"), path);
        array(sb.append(",\"joined\":"), joined);
        array(sb.append(",\"left\":"), left);
        return new Datagram(id, Path.of("/meta/presence"), sb.append('}').toString(), null);
    }

    private static void array(StringBuilder sb, List<String> jsonValues) {
        sb.append('[');
        for (int i = 0; i < jsonValues.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(jsonValues.get(i));
        }
        sb.append(']');
    }
}
