package io.warren.spi;

import io.warren.path.Path;
import io.warren.path.PathPattern;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decides what an authenticated {@link Identity} may do: open a tunnel, subscribe to a pattern, publish
 * to a path. The node asks it through one gate (the engine's {@code AccessGate}, its only holder), and
 * nothing reaches a tunnel's interests or the broker without that gate's grant. It is asked:
 * <ul>
 *   <li>{@link #canOpen}: every open, and every re-attach that opens a replacement;</li>
 *   <li>{@link #canSubscribe}: every {@code subscribe=} at open and at re-attach, every
 *       {@code /meta/subscribe} with or without {@code recent}/{@code since} (over {@code POST} and
 *       {@code GET /events} and WebSocket alike), and, on a cluster takeover, every interest the tunnel's
 *       record carries (one refused there is dropped silently);</li>
 *   <li>{@link #canPublish}: every client publish except to the client's own {@code /client/C}.</li>
 * </ul>
 * Not asked: backend publishing ({@code POST /publish}, guarded by the publish key; never to
 * {@code /meta/}), publishing from code in the process, and tunnels opened with
 * {@code Node.openTrusted} (their opener vouched for the identity and the patterns).
 *
 * <p><b>Deny by default.</b> Each method refuses unless overridden; a stage that completes with
 * {@code false}, with {@code null}, or exceptionally is a refusal. A refused open is answered 403
 * {@code forbidden}; a refused subscribe or publish is an error entry {@code forbidden} for that
 * datagram (at open: listed in the open datagram's {@code "refused"} array), never a silent drop.
 *
 * <p>Rules the node enforces before asking: nobody subscribes to {@code /meta/...} or to any
 * {@code /client/...} path, and a client may always publish to its own {@code /client/C} path.
 *
 * <p><b>Threading.</b> Called from event-loop (shard) threads and from the threads that complete
 * authentication, concurrently: return quickly and never block; do slow work asynchronously and complete
 * the stage from any thread. The node resumes interest changes on the tunnel's own thread. Ordering: with
 * answers that are already complete when returned (the built-in rules), a request's datagrams are
 * published in order; with answers completing later, publishes of one request may overtake each other.
 * Acknowledgements always come back in request order.
 */
public interface Authorizer {

    /** Whether {@code identity} may open a tunnel (after authentication succeeded). */
    default CompletionStage<Boolean> canOpen(Identity identity, OpenRequest request) {
        return DENY;
    }

    /** Whether {@code identity} may receive what {@code pattern} matches. */
    default CompletionStage<Boolean> canSubscribe(Identity identity, PathPattern pattern) {
        return DENY;
    }

    /** Whether {@code identity} may publish to {@code path}. */
    default CompletionStage<Boolean> canPublish(Identity identity, Path path) {
        return DENY;
    }

    CompletionStage<Boolean> ALLOW = CompletableFuture.completedFuture(Boolean.TRUE);
    CompletionStage<Boolean> DENY = CompletableFuture.completedFuture(Boolean.FALSE);

    /** Allows everything: the default of a server with neither authentication nor rules configured. */
    static Authorizer allowAll() {
        return new Authorizer() {
            @Override
            public CompletionStage<Boolean> canOpen(Identity identity, OpenRequest request) {
                return ALLOW;
            }

            @Override
            public CompletionStage<Boolean> canSubscribe(Identity identity, PathPattern pattern) {
                return ALLOW;
            }

            @Override
            public CompletionStage<Boolean> canPublish(Identity identity, Path path) {
                return ALLOW;
            }
        };
    }

    /**
     * Decides from {@link Permissions}: an identity's own (attribute {@link Permissions#ATTRIBUTE}, set by
     * the JWT or callback authenticator), {@code anonymous} for anonymous identities, nothing otherwise.
     * Every identity may open.
     */
    static Authorizer byPermissions(Permissions anonymous) {
        return new Authorizer() {
            private Permissions of(Identity identity) {
                Object p = identity.attributes().get(Permissions.ATTRIBUTE);
                if (p instanceof Permissions permissions) {
                    return permissions;
                }
                return identity.isAnonymous() ? anonymous : Permissions.NONE;
            }

            @Override
            public CompletionStage<Boolean> canOpen(Identity identity, OpenRequest request) {
                return ALLOW;
            }

            @Override
            public CompletionStage<Boolean> canSubscribe(Identity identity, PathPattern pattern) {
                return of(identity).allowsSubscribe(pattern) ? ALLOW : DENY;
            }

            @Override
            public CompletionStage<Boolean> canPublish(Identity identity, Path path) {
                return of(identity).allowsPublish(path) ? ALLOW : DENY;
            }
        };
    }
}
