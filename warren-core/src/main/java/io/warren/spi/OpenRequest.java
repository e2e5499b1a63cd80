package io.warren.spi;

/** What an {@link Authenticator} may look at of a tunnel-open request. Read-only; any thread. */
public interface OpenRequest {
    /** The client's address as the server sees it (no proxy headers applied). */
    String remoteAddress();

    /** A request header, or {@code null}. */
    String header(String name);

    /** A query parameter, or {@code null}. */
    String query(String name);

    /** A cookie, or {@code null}. */
    String cookie(String name);
}
