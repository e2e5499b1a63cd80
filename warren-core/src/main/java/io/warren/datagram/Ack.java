package io.warren.datagram;

import io.warren.ErrorCode;
import io.warren.WarrenException;

/**
 * The answer to one client or backend datagram: {@code {"ok":true,"id":ID,"ref":REF}} or
 * {@code {"ok":false,"error":CODE,"message":...,"ref":REF}}; a {@code /meta/subscribe} that asked for
 * history the node could not fully serve says {@code "gap":true}; an accepted {@code /meta/refresh} says
 * until when the tunnel's new credentials last, {@code "expires":EPOCH_MILLIS} ({@code expires} 0: absent).
 * Immutable.
 */
public record Ack(boolean ok, String id, String ref, ErrorCode error, String message, boolean gap, long expires) {

    public Ack(boolean ok, String id, String ref, ErrorCode error, String message, boolean gap) {
        this(ok, id, ref, error, message, gap, 0);
    }

    public Ack(boolean ok, String id, String ref, ErrorCode error, String message) {
        this(ok, id, ref, error, message, false);
    }

    public static Ack ok(String id, String ref) {
        return new Ack(true, id, ref, null, null);
    }

    /** A successful {@code /meta/subscribe} whose requested history was incomplete when {@code gap}. */
    public static Ack subscribed(String ref, boolean gap) {
        return new Ack(true, null, ref, null, null, gap);
    }

    /** An accepted {@code /meta/refresh}: the new credentials last until {@code expiresMillis} (0: never). */
    public static Ack refreshed(String ref, long expiresMillis) {
        return new Ack(true, null, ref, null, null, false, expiresMillis);
    }

    public static Ack error(ErrorCode code, String message, String ref) {
        return new Ack(false, null, ref, code, message);
    }

    public static Ack error(WarrenException e, String ref) {
        return error(e.code(), e.getMessage(), ref);
    }

    public String toJson() {
        StringBuilder sb = new StringBuilder(64).append("{\"ok\":").append(ok);
        if (id != null) {
            Datagram.quote(sb.append(",\"id\":"), id);
        }
        if (ref != null) {
            Datagram.quote(sb.append(",\"ref\":"), ref);
        }
        if (gap) {
            sb.append(",\"gap\":true");
        }
        if (expires > 0) {
            sb.append(",\"expires\":").append(expires);
        }
        if (!ok) {
            Datagram.quote(sb.append(",\"error\":"), error.wireName());
            Datagram.quote(sb.append(",\"message\":"), message == null ? "" : message);
        }
        return sb.append('}').toString();
    }
}
