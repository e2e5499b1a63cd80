package io.warren.api;

import io.warren.ErrorCode;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * What the application's backend may do to tunnels it did not open: add or remove an interest, or end them.
 * The HTTP form is {@code POST /api/subscribe}, {@code /api/unsubscribe} and {@code /api/disconnect}
 * (docs/backend-api.md), guarded by the publish key; code in the same process calls this interface
 * ({@code WarrenServer.backend()}, {@code Node.backend()}), which trusts its caller the same way.
 *
 * <p>A command names its tunnels by {@link Target}: the tunnel of one client (its public client id), or
 * every tunnel of one user (the identity's {@link io.warren.spi.Identity#user() user}), wherever in the
 * cluster each is attached. The client hears of each change: {@code /meta/subscribed},
 * {@code /meta/unsubscribed} ({@code {"path":P,"subpaths":B}}) or {@code /meta/close}.
 *
 * <p>Every command is idempotent (subscribing twice holds one interest, ending an ended tunnel does
 * nothing), so a caller that got no answer retries it. The stage completes with the number of tunnels
 * the command reached; for a user without tunnels that is 0. It fails with a {@code WarrenException}:
 * {@link ErrorCode#NOT_FOUND} for a client id no node holds, {@link ErrorCode#BAD_PATH} or
 * {@link ErrorCode#FORBIDDEN} for a pattern no client may hold ({@code /meta/}, {@code /client/}),
 * {@link ErrorCode#TOO_MANY} when a tunnel holds the most interests it may, {@link ErrorCode#OVERLOADED}
 * when a node did not answer in time (some tunnels may have changed: retry).
 *
 * <p>Interests added here are the tunnel's own like any other (the client may drop them with
 * {@code /meta/unsubscribe}); they are granted by the engine's gate with the backend's grant, not asked of
 * the authorizer: the backend speaks for the application. A tunnel that is replaced (it was culled and
 * the client came back) starts without them.
 *
 * <p>Threads: any; never blocks.
 */
public interface Backend {

    /** Adds the interest {@code path} (with {@code subpaths}: the path and everything below it). */
    CompletionStage<Integer> subscribe(Target target, String path, boolean subpaths);

    /** Removes the interest {@code path} (as it was subscribed, {@code subpaths} included). */
    CompletionStage<Integer> unsubscribe(Target target, String path, boolean subpaths);

    /**
     * Ends the tunnels: an attached connection gets {@code /meta/close} with {@code reason} and
     * {@code reconnect}, and the tunnel is removed cluster-wide. A client told {@code reconnect:false} stays
     * away; one told {@code true} comes back with a new tunnel (authenticated again).
     */
    CompletionStage<Integer> disconnect(Target target, String reason, boolean reconnect);

    /** The tunnels a command is for: exactly one of a client id and a user. */
    record Target(@Nullable String client, @Nullable String user) {
        public Target {
            if ((client == null) == (user == null)) {
                throw ErrorCode.BAD_REQUEST.exception("name either a client or a user");
            }
            String v = client != null ? client : user;
            if (v == null || v.isEmpty() || v.length() > 256) {
                throw ErrorCode.BAD_REQUEST.exception("client and user are 1 to 256 characters");
            }
        }

        /** The tunnel of the client with this public id. */
        public static Target client(String clientId) {
            return new Target(clientId, null);
        }

        /** Every tunnel of this user. */
        public static Target user(String user) {
            return new Target(null, user);
        }
    }
}
