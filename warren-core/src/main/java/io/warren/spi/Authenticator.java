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

    /**
     * Authenticates a token a live tunnel presents to extend its credentials ({@code /meta/refresh}), with the
     * same contract as {@link #authenticate}: the node then requires the same subject as {@code current} and
     * replaces the tunnel's identity with the answer (its expiry and permissions). The default asks
     * {@link #authenticate} with {@link OpenRequest#bearer}, so the token is checked exactly as the token of an
     * open ({@code Authorization: Bearer}); override it to check refreshes differently.
     *
     * @param current       the tunnel's identity now (never anonymous: the node refuses those first)
     * @param token         the token the client sent
     * @param remoteAddress the address the tunnel was opened from
     */
    default CompletionStage<Identity> refresh(Identity current, String token, String remoteAddress) {
        return authenticate(OpenRequest.bearer(token, remoteAddress));
    }

    /** Lets everyone in as {@link Identity#ANONYMOUS}: the default, for a server without authentication. */
    static Authenticator allowAll() {
        CompletableFuture<Identity> anonymous = CompletableFuture.completedFuture(Identity.ANONYMOUS);
        return request -> anonymous;
    }
}
