package io.warren.auth;

import java.util.Map;

/**
 * Who opened a tunnel, as an {@link Authenticator} established it. {@code attributes} carry what an
 * authorizer needs later (claims, permissions). Immutable.
 */
public record Identity(String subject, Map<String, Object> attributes) {
    public static final Identity ANONYMOUS = new Identity(null, Map.of());

    public Identity {
        attributes = Map.copyOf(attributes);
    }

    public boolean isAnonymous() {
        return subject == null;
    }
}
