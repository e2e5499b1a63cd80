package io.warren.engine;

import io.warren.ErrorCode;
import io.warren.WarrenException;
import io.warren.datagram.ControlDatagrams;
import io.warren.path.PathPattern;
import io.warren.spi.Authenticator;
import io.warren.spi.Broker;
import io.warren.spi.Connection;
import io.warren.spi.Identity;
import io.warren.spi.OpenRequest;
import io.warren.spi.TunnelRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of how a tunnel comes to exist on this node and gets a connection: a plain open, an
 * attach to a live tunnel, the replacement of an unknown or culled id, and the takeover of a tunnel
 * another node held. Every path authenticates (unless the caller vouched for the identity,
 * {@link #openTrusted}), reserves a place with {@link Admission} before anything is created and gives it
 * back if the open fails, and asks the {@link AccessGate} for every interest, restored ones included.
 *
 * <p>Any thread; the tunnel is created and attached on its shard's thread, and the stage completes there.
 */
final class Openings {
    private static final Logger log = LoggerFactory.getLogger(Openings.class);

    private final Node node;
    private final Authenticator authenticator;
    private final AccessGate gate;
    private final Admission admission;
    private final Interests interests;
    private final Records records;
    private final Sweeps sweeps;
    private final Broker broker;

    Openings(
            Node node,
            Authenticator authenticator,
            AccessGate gate,
            Admission admission,
            Interests interests,
            Records records,
            Sweeps sweeps,
            Broker broker) {
        this.node = node;
        this.authenticator = authenticator;
        this.gate = gate;
        this.admission = admission;
        this.interests = interests;
        this.records = records;
        this.sweeps = sweeps;
        this.broker = broker;
    }

    /** An open for an identity the caller established: neither the authenticator nor the authorizer is asked. */
    CompletionStage<Tunnel> openTrusted(
            Identity identity, Shard shard, List<PathPattern> subscribe, Connection connection) {
        return open(new Trusted(identity), shard, subscribe, connection, null);
    }

    /** An open request whose identity is already established: the authenticator is not asked. */
    private record Trusted(Identity identity) implements OpenRequest {
        @Override
        public String remoteAddress() {
            return "trusted";
        }

        @Override
        public @Nullable String header(String name) {
            return null;
        }

        @Override
        public @Nullable String query(String name) {
            return null;
        }

        @Override
        public @Nullable String cookie(String name) {
            return null;
        }
    }

    /**
     * Re-attaches {@code connection} to tunnel {@code tunnelId}, replaying what came after {@code last};
     * when that tunnel is unknown or culled, authenticates again and opens a replacement.
     */
    CompletionStage<Tunnel> attach(
            OpenRequest request,
            Shard shard,
            String tunnelId,
            String last,
            List<PathPattern> subscribe,
            Connection connection) {
        Tunnel t = node.tunnel(tunnelId);
        if (t == null) {
            if (!records.shared() || !node.running()) {
                return open(request, shard, subscribe, connection, tunnelId);
            }
            // Cluster: the tunnel may live on (or have lived on) another node.
            return records.claim(tunnelId)
                    .handle((record, e) -> {
                        if (e != null) {
                            log.warn("tunnel registry unreachable: {}", e.toString());
                            return CompletableFuture.<Tunnel>failedFuture(
                                    ErrorCode.OVERLOADED.exception("the cluster's tunnel registry is unreachable"));
                        }
                        if (record == null) {
                            return open(request, shard, subscribe, connection, tunnelId);
                        }
                        // The restored interests are asked again too: only what the identity may subscribe to now
                        // (refusals are not listed on a takeover).
                        List<PathPattern> wanted = new ArrayList<>(record.interests());
                        wanted.addAll(subscribe);
                        return gate.subscribe(record.identity(), wanted)
                                .thenCompose(
                                        grants -> restore(record, grants, request, shard, last, subscribe, connection));
                    })
                    .thenCompose(stage -> stage);
        }
        CompletableFuture<Tunnel> result = new CompletableFuture<>();
        gate.subscribe(t.identity(), subscribe)
                .whenComplete((grants, ignored) -> t.shard().executor().execute(() -> {
                    try {
                        if (!t.isClosed()
                                && !grants.granted().isEmpty()
                                && !grants.granted().get(0).isFor(t)) {
                            attach(request, shard, tunnelId, last, subscribe, connection)
                                    .whenComplete(complete(result));
                            return;
                        }
                        if (!t.isClosed() && t.identity().isExpired(Instant.now())) {
                            sweeps.expire(t);
                        }
                        if (!t.isClosed()) {
                            for (AccessGate.SubscribeGrant g : grants.granted()) {
                                interests.clientSubscribe(t, g);
                            }
                            if (!subscribe.isEmpty()) {
                                records.save(t);
                            }
                        }
                        if (t.attach(connection, last, false, null, ControlDatagrams.refused(grants.refused()))) {
                            result.complete(t);
                        } else {
                            open(request, shard, subscribe, connection, tunnelId)
                                    .whenComplete(complete(result));
                        }
                    } catch (Throwable e) {
                        result.completeExceptionally(e);
                    }
                }));
        return result;
    }

    /**
     * Authenticates {@code request} (unless {@link Trusted}), reserves a place ({@link Admission}), asks the
     * gate, creates a tunnel on {@code shard} with the granted interests active and its record written,
     * and attaches {@code connection}; {@code replaced} is the unknown or culled id it stands in for.
     */
    CompletionStage<Tunnel> open(
            OpenRequest request,
            Shard shard,
            List<PathPattern> subscribe,
            Connection connection,
            @Nullable String replaced) {
        if (!node.running()) {
            return CompletableFuture.failedFuture(ErrorCode.OVERLOADED.exception("the server is shutting down"));
        }
        // A trusted open has no client address to count (only the total counts it).
        @Nullable String address = request instanceof Trusted ? null : request.remoteAddress();
        try {
            admission.reserve(address);
        } catch (WarrenException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletionStage<Identity> auth;
        try {
            auth = request instanceof Trusted trusted
                    ? CompletableFuture.completedFuture(trusted.identity())
                    : authenticator.authenticate(request);
        } catch (RuntimeException e) {
            auth = CompletableFuture.failedFuture(e);
        }
        // Cluster: where the shared log stands (read while authenticating, before any interest of the tunnel is
        // active), so that a node taking the tunnel over can replay from there when the client has no `last`.
        CompletableFuture<String> mark = !records.shared()
                ? CompletableFuture.completedFuture(null)
                : broker.mark().toCompletableFuture().exceptionally(e -> {
                    throw ErrorCode.OVERLOADED.exception("the cluster is unreachable");
                });
        CompletableFuture<Tunnel> result = new CompletableFuture<>();
        auth.thenCombine(mark, (identity, m) -> identity)
                .thenCompose(identity -> {
                    if (identity == null) {
                        throw ErrorCode.UNAUTHORIZED.exception("authentication failed");
                    }
                    // A trusted open (openTrusted) was vouched for by its caller: the authorizer is not asked either.
                    if (request instanceof Trusted) {
                        return CompletableFuture.completedFuture(
                                new Opening(identity, gate.trusted(identity, subscribe)));
                    }
                    return gate.open(identity, request).thenCompose(open -> {
                        if (!open) {
                            throw ErrorCode.FORBIDDEN.exception("this identity may not open a tunnel");
                        }
                        return gate.subscribe(identity, subscribe).thenApply(grants -> new Opening(identity, grants));
                    });
                })
                .whenComplete((opening, error) -> {
                    if (error != null) {
                        admission.release(address);
                        result.completeExceptionally(refusal(error));
                        return;
                    }
                    shard.executor().execute(() -> {
                        Tunnel t = null;
                        try {
                            t = create(shard, opening.identity, address);
                            Tunnel tunnel = t;
                            t.logMark = mark.join();
                            List<CompletableFuture<Void>> ready = new ArrayList<>();
                            ready.add(interests.listenOwnPath(t).toCompletableFuture());
                            for (AccessGate.SubscribeGrant g : opening.grants.granted()) {
                                ready.add(interests.subscribe(t, g).toCompletableFuture());
                            }
                            if (records.shared()) {
                                ready.add(records.register(t).toCompletableFuture());
                            }
                            String refusedJson = ControlDatagrams.refused(opening.grants.refused());
                            CompletableFuture.allOf(ready.toArray(new CompletableFuture<?>[0]))
                                    .whenComplete((v, e) -> shard.executor().execute(() -> {
                                        if (e != null) {
                                            sweeps.cull(tunnel, "failed");
                                            result.completeExceptionally(e);
                                        } else {
                                            tunnel.attach(connection, null, true, replaced, refusedJson);
                                            node.listener().tunnelOpened(tunnel);
                                            interests.announceOpen(tunnel);
                                            result.complete(tunnel);
                                        }
                                    }));
                        } catch (Throwable e) {
                            if (t != null) {
                                sweeps.cull(t, "failed");
                            } else {
                                admission.release(address);
                            }
                            result.completeExceptionally(e);
                        }
                    });
                });
        return result;
    }

    /**
     * Takes over a tunnel another node held ({@code record} was just claimed): recreates it here with
     * its ids and interests, waits until those are active, fetches from the broker's log what the client
     * missed after {@code last}, and attaches. Nothing is lost between the log and live delivery: the
     * interests are active before the log is read, and {@link Tunnel#restore} drops what arrives twice.
     * {@code grants} are the gate's answers for the record's interests followed by {@code subscribe}.
     * A record whose identity has expired is removed and the request opens anew (authenticating again).
     */
    private CompletionStage<Tunnel> restore(
            TunnelRecord record,
            AccessGate.Grants grants,
            OpenRequest request,
            Shard shard,
            String last,
            List<PathPattern> subscribe,
            Connection connection) {
        if (record.identity() != null && record.identity().isExpired(Instant.now())) {
            // Its credentials ran out while another node held it: culled here, and the client authenticates again.
            records.remove(record.tunnelId());
            return open(request, shard, subscribe, connection, record.tunnelId());
        }
        // A takeover creates a tunnel here like an open does: the same caps apply.
        String address = request.remoteAddress();
        try {
            admission.reserve(address);
        } catch (WarrenException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Tunnel> result = new CompletableFuture<>();
        shard.executor().execute(() -> {
            boolean[] owned = {false};
            try {
                Tunnel t = new Tunnel(
                        node.tunnelContext,
                        shard,
                        record.tunnelId(),
                        record.clientId(),
                        record.identity(),
                        node.options().replaySize(),
                        node.options().replayBytes());
                t.remoteAddress = address;
                if (!node.add(t)) {
                    // Restored concurrently by another attach: join it.
                    admission.release(address);
                    attach(request, shard, t.id(), last, subscribe, connection).whenComplete(complete(result));
                    return;
                }
                owned[0] = true; // from here on, removing the tunnel gives its place back
                t.logMark = record.logMark();
                shard.add(t);
                List<CompletableFuture<Void>> ready = new ArrayList<>();
                ready.add(interests.listenOwnPath(t).toCompletableFuture());
                for (AccessGate.SubscribeGrant g : grants.granted()) {
                    ready.add(interests.subscribe(t, g).toCompletableFuture());
                }
                List<PathPattern> patterns = new ArrayList<>(t.interests());
                patterns.add(t.clientPattern());
                CompletableFuture.allOf(ready.toArray(new CompletableFuture<?>[0]))
                        .thenCompose(v -> broker.replay(
                                last, record.logMark(), patterns, node.options().replaySize()))
                        .whenComplete((replay, e) -> shard.executor().execute(() -> {
                            if (e != null) {
                                log.warn("taking over a tunnel failed: {}", e.toString());
                                node.drop(t, "culled");
                                result.completeExceptionally(
                                        ErrorCode.OVERLOADED.exception("the tunnel could not be taken over"));
                                return;
                            }
                            t.restore(replay.datagrams(), replay.complete());
                            t.registered(node.nanoTime());
                            if (!subscribe.isEmpty() || !grants.refused().isEmpty()) {
                                records.save(t);
                            }
                            if (t.attach(connection, null, false, null, null)) {
                                node.listener().tunnelOpened(t);
                                result.complete(t);
                            } else {
                                open(request, shard, subscribe, connection, t.id())
                                        .whenComplete(complete(result));
                            }
                        }));
            } catch (Throwable e) {
                Tunnel t = owned[0] ? node.local(record.tunnelId()) : null;
                if (t != null) {
                    node.drop(t, "culled");
                } else if (!owned[0]) {
                    admission.release(address);
                }
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** An identity on its way to a tunnel, with the gate's answers for its {@code subscribe=}. */
    private record Opening(Identity identity, AccessGate.Grants grants) {}

    private static Throwable refusal(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof WarrenException) {
            return cause;
        }
        if (cause != null) {
            log.debug("authentication refused", cause);
        }
        return ErrorCode.UNAUTHORIZED.exception("authentication failed");
    }

    private Tunnel create(Shard shard, Identity identity, @Nullable String address) {
        while (true) {
            Tunnel t = new Tunnel(
                    node.tunnelContext,
                    shard,
                    TunnelIds.newTunnelId(),
                    TunnelIds.newClientId(),
                    identity,
                    node.options().replaySize(),
                    node.options().replayBytes());
            t.remoteAddress = address;
            if (node.add(t)) {
                shard.add(t);
                return t;
            }
        }
    }

    private static <T> BiConsumer<T, Throwable> complete(CompletableFuture<T> f) {
        return (v, e) -> {
            if (e != null) {
                f.completeExceptionally(e);
            } else {
                f.complete(v);
            }
        };
    }
}
