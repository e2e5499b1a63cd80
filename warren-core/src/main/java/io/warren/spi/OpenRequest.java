package io.warren.spi;

import org.jspecify.annotations.Nullable;

/** What an {@link Authenticator} may look at of a tunnel-open request. Read-only; any thread. */
public interface OpenRequest {
    /** The client's address as the server sees it (no proxy headers applied). */
    String remoteAddress();

    /** A request header, or {@code null}. */
    @Nullable
    String header(String name);

    /** A query parameter, or {@code null}. */
    @Nullable
    String query(String name);

    /** A cookie, or {@code null}. */
    @Nullable
    String cookie(String name);

    /**
     * A request carrying nothing but {@code token}, as {@code Authorization: Bearer TOKEN} and as the query
     * parameter {@code token}: what a token refresh ({@link Authenticator#refresh}) presents by default.
     */
    static OpenRequest bearer(String token, String remoteAddress) {
        return new BearerRequest(token, remoteAddress);
    }
}
