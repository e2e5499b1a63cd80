package io.warren.spi;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decides whether a tunnel may open, before any tunnel id is assigned; runs again when a client
 * re-attaches to a culled or unknown tunnel.
 *
 * <p>Asynchronous: the server holds the open request until the stage completes and never blocks an
 * event loop on it. Complete with an {@link Identity} to allow; complete exceptionally (any exception;
 * {@link io.warren.WarrenException} with {@code unauthorized} or {@code forbidden} to choose the answer)
 * to refuse, which answers 401 {@code unauthorized} by default. May be called from any thread,
 * concurrently.
 */
@FunctionalInterface
public interface Authenticator {

    CompletionStage<Identity> authenticate(OpenRequest request);

    /** Lets everyone in as {@link Identity#ANONYMOUS}: the default, for a server without authentication. */
    static Authenticator allowAll() {
        CompletableFuture<Identity> anonymous = CompletableFuture.completedFuture(Identity.ANONYMOUS);
        return request -> anonymous;
    }
}
