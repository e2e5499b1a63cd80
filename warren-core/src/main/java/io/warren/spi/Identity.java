package io.warren.spi;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Who opened a tunnel, as an {@link Authenticator} established it. {@code attributes} carry what an
 * authorizer needs later (claims, {@link Permissions} under {@link Permissions#ATTRIBUTE}). Immutable.
 *
 * @param subject    the authenticated subject, or {@code null} for an anonymous client
 * @param attributes what the authenticator learnt (copied)
 * @param expiresAt  when the credentials stop being valid, or {@code null} for never: the node then ends
 *                   the tunnel with a {@code /meta/close} datagram of reason {@code expired} and removes it
 */
public record Identity(
        @Nullable String subject,
        Map<String, Object> attributes,
        @Nullable Instant expiresAt) {
    public static final Identity ANONYMOUS = new Identity(null, Map.of(), null);

    /**
     * The attribute under which an authenticator keeps the client's public profile, shown by presence: a JSON
     * object as text, bounded in size by the authenticator.
     */
    public static final String INFO_ATTRIBUTE = "warren.info";

    /** The attribute marking a tunnel opened by the server for itself ({@link #internal}). */
    private static final String INTERNAL_ATTRIBUTE = "warren.internal";

    /** The marker value: an object no authenticator can produce from a token or an answer. */
    private static final Object INTERNAL = new Object() {
        @Override
        public String toString() {
            return "internal";
        }
    };

    public Identity {
        attributes = Map.copyOf(attributes);
    }

    /** An identity whose credentials do not expire. */
    public Identity(@Nullable String subject, Map<String, Object> attributes) {
        this(subject, attributes, null);
    }

    /** The user the tunnel belongs to: the subject, or {@code null} for an anonymous client. */
    public @Nullable String user() {
        return subject;
    }

    /** The client's public profile ({@link #INFO_ATTRIBUTE}), or {@code null} when it has none. */
    public @Nullable String info() {
        return attributes.get(INFO_ATTRIBUTE) instanceof String s ? s : null;
    }

    /**
     * The identity of a tunnel the server opens for its own use (the status page's feed): such a tunnel is not
     * a client of the application, so the backend's queries and commands ({@code /api/...}) never see it.
     */
    public static Identity internal(String name) {
        return new Identity(name, Map.of(INTERNAL_ATTRIBUTE, INTERNAL));
    }

    /** Whether this is the identity of a tunnel the server opened for itself ({@link #internal}). */
    public boolean isInternal() {
        return attributes.get(INTERNAL_ATTRIBUTE) == INTERNAL;
    }

    public boolean isAnonymous() {
        return subject == null;
    }

    /** Whether the credentials have expired at {@code now}. */
    public boolean isExpired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
