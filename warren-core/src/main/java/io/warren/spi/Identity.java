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

    public Identity {
        attributes = Map.copyOf(attributes);
    }

    /** An identity whose credentials do not expire. */
    public Identity(@Nullable String subject, Map<String, Object> attributes) {
        this(subject, attributes, null);
    }

    public boolean isAnonymous() {
        return subject == null;
    }

    /** Whether the credentials have expired at {@code now}. */
    public boolean isExpired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
