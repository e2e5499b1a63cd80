package io.warren.engine;

import io.warren.ErrorCode;
import io.warren.WarrenException;
import io.warren.datagram.Datagram;
import io.warren.path.PathPattern;
import io.warren.spi.Authorizer;
import io.warren.spi.Identity;
import io.warren.spi.OpenRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that decides what a tunnel may receive and what may be published: the only holder of
 * the node's {@link Authorizer}.
 *
 * <p><b>Invariant.</b> Nothing reaches a tunnel's interests or the broker without a grant from this
 * gate. {@link Tunnel#addInterest}, {@link Shard#listen} (the routing index) and the node's single call
 * to {@code Broker.publish} take a {@link SubscribeGrant} or a {@link PublishGrant}, and only this class
 * can construct one, so a new entry point (a new transport, a new control datagram, a server-side
 * subscribe, a cluster takeover) cannot compile without asking here. A unit test ({@code AccessGateTest})
 * additionally checks that the broker and the routing index are reached only from those methods.
 *
 * <p>Grants, by who asks:
 * <ul>
 *   <li>{@link #subscribe(Identity, List)} and {@link #subscribe(Tunnel, PathPattern)}: a client's
 *       {@code subscribe=} (open, re-attach, takeover, including the interests a takeover restores), its
 *       {@code /meta/subscribe} (with or without {@code since}/{@code recent}), and every interest a tunnel
 *       holds when a {@code /meta/refresh} replaces its identity ({@link Refreshes}: the refused ones are
 *       removed); asks {@link Authorizer#canSubscribe}.</li>
 *   <li>{@link #open}: a tunnel open, and the new identity of a {@code /meta/refresh}; asks
 *       {@link Authorizer#canOpen}.</li>
 *   <li>{@link #ownPath}: a tunnel's own {@code /client/C}, always granted.</li>
 *   <li>{@link #publish(Tunnel, Datagram)}: a client publish; its own {@code /client/C} is always
 *       granted, anything else asks {@link Authorizer#canPublish}.</li>
 *   <li>{@link #trusted}: interests of a tunnel opened by code that established the identity itself
 *       ({@code Node.openTrusted}, the admin status feed); not asked, may name exact {@code /meta/} paths.</li>
 *   <li>{@link #backend(Datagram)}: {@code POST /publish}, guarded by the publish key in the server; never to
 *       {@code /meta/}.</li>
 *   <li>{@link #backend(Tunnel, PathPattern)}: an interest the backend adds to a client's tunnel
 *       ({@code POST /api/subscribe}, guarded by the publish key; {@code io.warren.api.Backend} from code;
 *       forwarded from another node that checked it): not asked, the backend speaks for the application;
 *       never {@code /meta/} nor {@code /client/}.</li>
 *   <li>{@link #inProcess}: publishing from code in the same process (embedding, the admin feed); may
 *       publish to {@code /meta/} paths, which only trusted tunnels receive.</li>
 * </ul>
 *
 * <p>Rules: an answer other than {@code true} (false, {@code null}, an exceptional stage, a thrown
 * exception) is a refusal. Patterns under {@code /meta/} and {@code /client/} are refused before any
 * request gets here ({@link Node#clientPattern}). Answers for a live tunnel resume on its shard thread,
 * which owns its interests.
 *
 * <p>Threading: any thread; holds no mutable state.
 */
final class AccessGate {
    private static final Logger log = LoggerFactory.getLogger(AccessGate.class);

    private final Authorizer authorizer;

    AccessGate(Authorizer authorizer) {
        this.authorizer = java.util.Objects.requireNonNull(authorizer);
    }

    /** Permission for tunnels of {@code identity} to receive what {@code pattern} matches. Immutable. */
    static final class SubscribeGrant {
        private final Identity identity;
        private final PathPattern pattern;

        private SubscribeGrant(Identity identity, PathPattern pattern) {
            this.identity = identity;
            this.pattern = pattern;
        }

        PathPattern pattern() {
            return pattern;
        }

        /** Whether this grant was given for {@code t}'s identity now (a refresh may have replaced it). */
        boolean isFor(Tunnel t) {
            return java.util.Objects.equals(identity, t.identity());
        }

        /** The pattern, after checking this grant was given for {@code t}'s identity. */
        PathPattern patternFor(Tunnel t) {
            if (!java.util.Objects.equals(identity, t.identity())) {
                throw new IllegalStateException("a grant for another identity");
            }
            return pattern;
        }
    }

    /** Permission to hand one datagram to the broker. Immutable. */
    static final class PublishGrant {
        private final Datagram datagram;

        private PublishGrant(Datagram datagram) {
            this.datagram = datagram;
        }

        Datagram datagram() {
            return datagram;
        }
    }

    /** What a list of requested patterns came to: grants in request order, and the refused patterns. */
    record Grants(List<SubscribeGrant> granted, List<PathPattern> refused) {
        static final Grants NONE = new Grants(List.of(), List.of());
    }

    /** Whether {@code identity} may open a tunnel; the stage never fails. */
    CompletionStage<Boolean> open(Identity identity, OpenRequest request) {
        return ask(() -> authorizer.canOpen(identity, request));
    }

    /** Asks about each pattern (all at once); the stage never fails. For opens, re-attaches and takeovers. */
    CompletionStage<Grants> subscribe(Identity identity, List<PathPattern> patterns) {
        if (patterns.isEmpty()) {
            return CompletableFuture.completedFuture(Grants.NONE);
        }
        List<CompletableFuture<Boolean>> answers = new ArrayList<>(patterns.size());
        for (PathPattern p : patterns) {
            answers.add(ask(() -> authorizer.canSubscribe(identity, p)).toCompletableFuture());
        }
        return CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> {
                    List<SubscribeGrant> granted = new ArrayList<>(patterns.size());
                    List<PathPattern> refused = new ArrayList<>();
                    for (int i = 0; i < patterns.size(); i++) {
                        if (answers.get(i).join()) {
                            granted.add(new SubscribeGrant(identity, patterns.get(i)));
                        } else {
                            refused.add(patterns.get(i));
                        }
                    }
                    return new Grants(granted, refused);
                });
    }

    /**
     * A live tunnel's {@code /meta/subscribe}, called on {@code t}'s shard thread: completes there (at once
     * when the answer is already known) with the grant, or exceptionally with {@code forbidden}. An answer
     * that arrives after a {@code /meta/refresh} replaced the tunnel's identity is for the old one: the
     * question is asked again for the new one.
     */
    CompletionStage<SubscribeGrant> subscribe(Tunnel t, PathPattern pattern) {
        Identity identity = t.identity();
        return onShard(t, ask(() -> authorizer.canSubscribe(identity, pattern)), ok -> ok)
                .thenCompose(ok -> {
                    if (!java.util.Objects.equals(identity, t.identity())) {
                        return subscribe(t, pattern);
                    }
                    if (!ok) {
                        throw ErrorCode.FORBIDDEN.exception("not allowed to subscribe to " + pattern.wirePath());
                    }
                    return CompletableFuture.completedFuture(new SubscribeGrant(identity, pattern));
                });
    }

    /** A tunnel's own {@code /client/C} path: always granted. */
    SubscribeGrant ownPath(Tunnel t) {
        return new SubscribeGrant(t.identity(), t.clientPattern());
    }

    /** Interests of a tunnel whose identity its opener vouched for ({@code Node.openTrusted}): all granted. */
    Grants trusted(Identity identity, List<PathPattern> patterns) {
        List<SubscribeGrant> granted = new ArrayList<>(patterns.size());
        for (PathPattern p : patterns) {
            granted.add(new SubscribeGrant(identity, p));
        }
        return new Grants(granted, List.of());
    }

    /**
     * A client publish through tunnel {@code t}: its own {@code /client/C} path always, anything else as
     * the authorizer answers. Completes with the grant or exceptionally with {@code forbidden}; any thread.
     */
    CompletionStage<PublishGrant> publish(Tunnel t, Datagram d) {
        if (d.path().toString().equals(t.clientPattern().base())) {
            return CompletableFuture.completedFuture(new PublishGrant(d));
        }
        return ask(() -> authorizer.canPublish(t.identity(), d.path())).thenApply(ok -> {
            if (!ok) {
                throw ErrorCode.FORBIDDEN.exception("not allowed to publish to " + d.path());
            }
            return new PublishGrant(d);
        });
    }

    /** {@code POST /publish} (the server checked the publish key): anything but {@code /meta/}. */
    PublishGrant backend(Datagram d) {
        if (d.path().isMeta()) {
            throw ErrorCode.FORBIDDEN.exception("datagrams cannot be published to /meta/ paths");
        }
        return new PublishGrant(d);
    }

    /** The backend adds {@code pattern} to {@code t} ({@link io.warren.api.Backend}): a pattern a client could name. */
    SubscribeGrant backend(Tunnel t, PathPattern pattern) {
        if (pattern.isMeta() || pattern.isClient() || pattern.base().equals("/client")) {
            throw ErrorCode.FORBIDDEN.exception("the backend cannot subscribe a tunnel to /meta/ or /client/ paths");
        }
        return new SubscribeGrant(t.identity(), pattern);
    }

    /** Publishing from code in this process (embedding, the admin feed): trusted, {@code /meta/} included. */
    PublishGrant inProcess(Datagram d) {
        return new PublishGrant(d);
    }

    /** The {@code forbidden} (or other) error a refused stage carries. */
    static WarrenException refusal(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof WarrenException w) {
            return w;
        }
        return ErrorCode.FORBIDDEN.exception("refused");
    }

    private static <T> CompletionStage<T> onShard(
            Tunnel t, CompletionStage<Boolean> answer, Function<Boolean, T> then) {
        CompletableFuture<Boolean> f = answer.toCompletableFuture();
        return f.isDone() ? f.thenApply(then) : f.thenApplyAsync(then, t.shard().executor());
    }

    /** An authorizer's answer where anything but {@code true} (false, null, an exception) means no. */
    private static CompletionStage<Boolean> ask(Supplier<CompletionStage<Boolean>> question) {
        CompletionStage<Boolean> answer;
        try {
            answer = question.get();
        } catch (RuntimeException e) {
            log.warn("authorizer failed; refusing", e);
            return Authorizer.DENY;
        }
        if (answer == null) {
            return Authorizer.DENY;
        }
        return answer.handle((ok, e) -> {
            if (e != null) {
                log.warn("authorizer failed; refusing", e);
            }
            return e == null && Boolean.TRUE.equals(ok);
        });
    }
}
