package io.warren.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.ErrorCode;
import io.warren.WarrenException;
import io.warren.datagram.Ack;
import io.warren.datagram.ClientDatagram;
import io.warren.datagram.ControlDatagrams;
import io.warren.path.PathPattern;
import io.warren.spi.Authenticator;
import io.warren.spi.Identity;
import io.warren.spi.OpenRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of in-band token refresh, {@code /meta/refresh} {@code {"token": T}}: a client extends its
 * tunnel's credentials without reconnecting. The token goes to the node's {@link Authenticator}
 * ({@link Authenticator#refresh}, by default checked exactly as an open's token); the answer must name the
 * same subject as the tunnel's identity and be allowed to open a tunnel ({@link AccessGate#open}). Then, on
 * the tunnel's shard thread and in one step, the identity is replaced (the expiry sweep uses the new expiry),
 * every interest the tunnel holds is asked about again through the {@link AccessGate} for the new identity,
 * and each refused one is removed and announced to the client with {@code /meta/unsubscribed}
 * ({@code reason} {@code forbidden}); the record is written ({@link Records}) before the ack, so that a node
 * taking the tunnel over enforces the new expiry and permissions.
 *
 * <p>Refusals leave the identity unchanged (the tunnel still ends at its old expiry): an anonymous tunnel
 * ({@code forbidden}), no token ({@code bad-request}), a token the authenticator refuses or that has expired
 * ({@code unauthorized}, or the authenticator's code), another subject or an identity that may not open
 * ({@code forbidden}). The ack of an accepted refresh says {@code expires} (epoch milliseconds) when the new
 * credentials expire. Shard thread of the tunnel; the returned stage never fails.
 */
final class Refreshes {
    private static final Logger log = LoggerFactory.getLogger(Refreshes.class);

    private final Node node;
    private final Authenticator authenticator;
    private final AccessGate gate;
    private final Interests interests;
    private final Records records;

    Refreshes(Node node, Authenticator authenticator, AccessGate gate, Interests interests, Records records) {
        this.node = node;
        this.authenticator = authenticator;
        this.gate = gate;
        this.interests = interests;
        this.records = records;
    }

    /** {@code /meta/refresh} from {@code t}'s client; shard thread of {@code t}; never fails. */
    CompletionStage<Ack> refresh(Tunnel t, ClientDatagram cd) {
        String ref = cd.ref();
        Identity current = t.identity();
        if (current.isAnonymous()) {
            return refused(
                    ErrorCode.FORBIDDEN.exception(
                            "an anonymous tunnel has no credentials to refresh: open a tunnel with a token"),
                    ref);
        }
        JsonNode fields = cd.fields();
        JsonNode token = fields == null ? null : fields.get("token");
        if (token == null || !token.isTextual() || token.asText().isEmpty()) {
            return refused(ErrorCode.BAD_REQUEST.exception("data must be {\"token\":TOKEN}"), ref);
        }
        String address = t.remoteAddress == null ? "trusted" : t.remoteAddress;
        CompletionStage<Identity> answer;
        try {
            answer = authenticator.refresh(current, token.asText(), address);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        OpenRequest request = OpenRequest.bearer(token.asText(), address);
        CompletableFuture<Ack> ack = new CompletableFuture<>();
        (answer == null ? CompletableFuture.<Identity>completedFuture(null) : answer)
                .thenCompose(identity -> check(current, identity, request))
                .whenComplete((identity, e) -> {
                    if (e != null) {
                        ack.complete(Ack.error(refusal(e), ref));
                        return;
                    }
                    try {
                        t.shard()
                                .executor()
                                .execute(() -> apply(t, identity, ref)
                                        .whenComplete((a, x) -> ack.complete(x == null ? a : incomplete(ref))));
                    } catch (RuntimeException x) {
                        ack.complete(incomplete(ref)); // the shard no longer takes work: shutting down
                    }
                });
        return ack;
    }

    /** The authenticator's answer, if it may replace {@code current}; else fails with the refusal. Any thread. */
    private CompletionStage<Identity> check(Identity current, @Nullable Identity refreshed, OpenRequest request) {
        if (refreshed == null || refreshed.isAnonymous()) {
            throw ErrorCode.UNAUTHORIZED.exception("the token was refused");
        }
        if (!Objects.equals(current.subject(), refreshed.subject())) {
            throw ErrorCode.FORBIDDEN.exception("the token is for another subject: a tunnel keeps the subject it was"
                    + " opened with (open a new tunnel to change it)");
        }
        if (refreshed.isExpired(Instant.now())) {
            throw ErrorCode.UNAUTHORIZED.exception("the token has expired");
        }
        return gate.open(refreshed, request).thenApply(ok -> {
            if (!ok) {
                throw ErrorCode.FORBIDDEN.exception("this identity may not hold a tunnel");
            }
            return refreshed;
        });
    }

    /**
     * Shard thread: replaces the identity, then asks the gate about every interest held at that moment (one
     * added later is asked for the new identity anyway) and removes the refused ones, telling the client.
     */
    private CompletionStage<Ack> apply(Tunnel t, Identity refreshed, String ref) {
        if (t.isClosed()) {
            return CompletableFuture.completedFuture(
                    Ack.error(ErrorCode.UNKNOWN_TUNNEL.exception("the tunnel was closed"), ref));
        }
        t.reidentify(refreshed);
        List<PathPattern> held = new ArrayList<>(t.interests());
        CompletableFuture<Void> done = new CompletableFuture<>();
        gate.subscribe(refreshed, held).whenComplete((grants, e) -> {
            try {
                t.shard().executor().execute(() -> {
                    try {
                        if (Objects.equals(t.identity(), refreshed) && !t.isClosed()) {
                            revoke(t, grants == null ? held : grants.refused());
                            if (records.shared()) {
                                records.save(t).whenComplete((v, x) -> complete(done, x));
                                return;
                            }
                        }
                        done.complete(null);
                    } catch (RuntimeException x) {
                        done.completeExceptionally(x);
                    }
                });
            } catch (RuntimeException x) {
                done.completeExceptionally(x); // the shard no longer takes work: shutting down
            }
        });
        long expires = refreshed.expiresAt() == null ? 0 : refreshed.expiresAt().toEpochMilli();
        return done.thenApply(v -> Ack.refreshed(ref, expires));
    }

    /** Shard thread: removes {@code refused} interests from {@code t}, each announced with /meta/unsubscribed. */
    private void revoke(Tunnel t, List<PathPattern> refused) {
        for (PathPattern p : refused) {
            if (t.hasInterest(p)) {
                interests.unsubscribe(t, p);
                // In the replay buffer, in order with what the tunnel receives, and acknowledged like it.
                if (t.deliver(ControlDatagrams.unsubscribed(node.ids().next(), p, "forbidden"))) {
                    t.flush();
                }
            }
        }
    }

    private static void complete(CompletableFuture<Void> f, @Nullable Throwable e) {
        if (e != null) {
            log.warn("writing a refreshed tunnel's record failed: {}", e.toString());
            f.completeExceptionally(e);
        } else {
            f.complete(null);
        }
    }

    private static Ack incomplete(String ref) {
        return Ack.error(ErrorCode.OVERLOADED, "the refresh could not be completed: retry", ref);
    }

    private static CompletionStage<Ack> refused(WarrenException e, String ref) {
        return CompletableFuture.completedFuture(Ack.error(e, ref));
    }

    /** What a failed refresh answers: the authenticator's own code, else {@code unauthorized}. */
    private static WarrenException refusal(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof WarrenException w) {
            return w;
        }
        log.debug("token refresh refused", cause);
        return ErrorCode.UNAUTHORIZED.exception("the token was refused");
    }
}
