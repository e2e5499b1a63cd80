package io.warren.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.ErrorCode;
import io.warren.Limits;
import io.warren.WarrenException;
import io.warren.datagram.Ack;
import io.warren.datagram.ClientDatagram;
import io.warren.datagram.Datagram;
import io.warren.path.Path;
import io.warren.path.PathPattern;
import io.warren.spi.Broker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The one owner of what a client sends through its tunnel: the token bucket, the idempotency window
 * ({@code ref}), control datagrams ({@code /meta/subscribe} with or without history,
 * {@code /meta/unsubscribe}; {@code /meta/refresh} is {@link Refreshes}'), and publishing with {@code from} set to the client id. Every decision to
 * subscribe or publish is the {@link AccessGate}'s; interests go through {@link Interests}, records
 * through {@link Records}, datagrams through {@link Publishing}. Work for a tunnel runs on its shard
 * thread; one ack per datagram, in order, and ack stages never fail.
 */
final class ClientDatagrams {
    private final Node node;
    private final AccessGate gate;
    private final Interests interests;
    private final Records records;
    private final Publishing publishing;
    private final Broker broker;
    private final Limits limits;
    private final Refreshes refreshes;

    ClientDatagrams(
            Node node,
            AccessGate gate,
            Interests interests,
            Records records,
            Publishing publishing,
            Broker broker,
            Limits limits,
            Refreshes refreshes) {
        this.node = node;
        this.refreshes = refreshes;
        this.limits = limits;
        this.gate = gate;
        this.interests = interests;
        this.records = records;
        this.publishing = publishing;
        this.broker = broker;
    }

    /**
     * Handles datagrams a client sent through its tunnel ({@code POST /events}, WebSocket): control
     * datagrams under {@code /meta/} change interests, anything else is published with {@code from} set to
     * the client id. One ack per datagram, in order.
     */
    CompletionStage<List<Ack>> handle(Tunnel t, List<ClientDatagram> datagrams) {
        CompletableFuture<List<Ack>> result = new CompletableFuture<>();
        t.shard().executor().execute(() -> {
            List<CompletableFuture<Ack>> acks = new ArrayList<>(datagrams.size());
            for (ClientDatagram cd : datagrams) {
                acks.add(clientDatagram(t, cd).toCompletableFuture());
            }
            Publishing.inOrder(acks).thenAccept(result::complete);
        });
        return result;
    }

    /** Shard thread of {@code t}; the returned stage never fails. */
    private CompletionStage<Ack> clientDatagram(Tunnel t, ClientDatagram cd) {
        String ref = cd.ref();
        if (cd.error() != null) {
            return CompletableFuture.completedFuture(Ack.error(cd.error(), ref));
        }
        try {
            if (t.isClosed()) {
                throw ErrorCode.UNKNOWN_TUNNEL.exception("the tunnel was closed");
            }
            if (!sends(t).takeToken(node.nanoTime(), limits.eventsPerSecond(), limits.eventsBurst())) {
                throw ErrorCode.RATE_LIMITED.exception(
                        "at most " + limits.eventsPerSecond() + " datagrams per second per tunnel");
            }
            Path path = Path.of(cd.path());
            if (path.isMeta()) {
                return control(t, path, cd);
            }
            limits.checkPath(path.toString(), path.depth());
            publishing.checkSize(cd);
            if (ref != null) {
                CompletionStage<Ack> earlier = sends(t).rememberedAck(ref);
                if (earlier != null) {
                    return earlier;
                }
            }
            Datagram d = new Datagram(node.ids().next(), path, cd.data(), t.clientId());
            CompletionStage<Ack> ack = gate.publish(t, d)
                    .handle((grant, e) -> e == null
                            ? publishing.publish(grant, ref)
                            : CompletableFuture.completedFuture(Ack.error(AccessGate.refusal(e), ref)))
                    .thenCompose(a -> a);
            if (ref != null) {
                sends(t).rememberAck(ref, ack, node.options().idempotencyWindow());
                // A failed publish is forgotten, so that a retry with the same id can succeed.
                ack.thenAccept(a -> {
                    if (!a.ok()) {
                        t.shard().executor().execute(() -> sends(t).forgetAck(ref, ack));
                    }
                });
            }
            return ack;
        } catch (WarrenException e) {
            return CompletableFuture.completedFuture(Ack.error(e, ref));
        }
    }

    private CompletionStage<Ack> control(Tunnel t, Path path, ClientDatagram cd) {
        String p = path.toString();
        if (p.equals("/meta/refresh")) {
            return refreshes.refresh(t, cd);
        }
        boolean sub = p.equals("/meta/subscribe");
        if (!sub && !p.equals("/meta/unsubscribe")) {
            throw ErrorCode.FORBIDDEN.exception(
                    "clients may only send /meta/subscribe, /meta/unsubscribe and /meta/refresh under /meta/");
        }
        JsonNode data = cd.fields(); // read with the body, in the one parse
        if (data == null || !data.path("path").isTextual()) {
            throw ErrorCode.BAD_REQUEST.exception("data must be {\"path\":PATTERN} with optional \"subpaths\":true");
        }
        JsonNode subpaths = data.get("subpaths");
        if (subpaths != null && !subpaths.isBoolean() && !subpaths.isNull()) {
            throw ErrorCode.BAD_REQUEST.exception("subpaths must be true or false");
        }
        PathPattern pattern = clientPattern(data.get("path").asText(), subpaths != null && subpaths.asBoolean());
        limits.checkPath(pattern.key(), depth(pattern));
        String ref = cd.ref();
        JsonNode since = data.get("since");
        JsonNode recent = data.get("recent");
        if (sub) {
            boolean history = since != null || recent != null;
            if (history) {
                checkHistory(pattern, since, recent);
            }
            boolean watch = presenceFlag(pattern, data.get("presence"));
            // Plain or with history, with presence or not, the gate decides; its answer comes back on the
            // tunnel's thread.
            return gate.subscribe(t, pattern)
                    .handle((grant, e) -> e != null
                            ? CompletableFuture.completedFuture(Ack.error(AccessGate.refusal(e), ref))
                            : (history
                                            ? subscribeWithHistory(t, grant, since, recent, ref)
                                            : subscribeGranted(t, grant, ref))
                                    .thenCompose(a -> watch && a.ok()
                                            ? node.presence().watch(t, grant, interests, ref)
                                            : CompletableFuture.completedFuture(a)))
                    .thenCompose(a -> a);
        }
        interests.clientUnsubscribe(t, pattern);
        records.save(t);
        return CompletableFuture.completedFuture(Ack.ok(null, ref));
    }

    /** Shard thread of {@code t}; never fails. */
    private CompletionStage<Ack> subscribeGranted(Tunnel t, AccessGate.SubscribeGrant grant, String ref) {
        try {
            if (t.isClosed()) {
                throw ErrorCode.UNKNOWN_TUNNEL.exception("the tunnel was closed");
            }
            CompletionStage<Void> ready = interests.clientSubscribe(t, grant);
            if (records.shared()) {
                // Saved before the ack, so that a node taking the tunnel over knows this interest.
                ready = ready.thenCombine(records.save(t), (a, b) -> null);
            }
            return ready.handle((v, e) -> e == null
                    ? Ack.ok(null, ref)
                    : Ack.error(ErrorCode.OVERLOADED, "the interest could not be registered", ref));
        } catch (WarrenException e) {
            return CompletableFuture.completedFuture(Ack.error(e, ref));
        }
    }

    static int depth(PathPattern p) {
        String k = p.key();
        int d = 0;
        for (int i = 0; i < k.length(); i++) {
            if (k.charAt(i) == '/') {
                d++;
            }
        }
        return d;
    }

    /**
     * {@code /meta/subscribe} with {@code "since": ID} or {@code "recent": N}: the interest becomes active,
     * then the path's history is read and delivered to this tunnel only, before anything routed
     * meanwhile. The ack says {@code gap} when the history did not reach back to {@code since} (or the
     * path keeps none). Shard thread of {@code t}, after the gate granted the interest; never fails.
     */
    private CompletionStage<Ack> subscribeWithHistory(
            Tunnel t, AccessGate.SubscribeGrant grant, JsonNode since, JsonNode recent, String ref) {
        CompletionStage<Void> ready;
        try {
            if (t.isClosed()) {
                throw ErrorCode.UNKNOWN_TUNNEL.exception("the tunnel was closed");
            }
            ready = interests.clientSubscribe(t, grant);
        } catch (WarrenException e) {
            return CompletableFuture.completedFuture(Ack.error(e, ref));
        }
        PathPattern pattern = grant.pattern();
        t.hold();
        if (records.shared()) {
            ready = ready.thenCombine(records.save(t), (a, b) -> null);
        }
        String sinceId = since == null ? null : since.asText();
        int count = recent == null ? Integer.MAX_VALUE : recent.asInt();
        CompletableFuture<Ack> ack = new CompletableFuture<>();
        ready.thenCompose(v -> broker.history(Path.of(pattern.base()), sinceId, count))
                .whenComplete((history, e) -> t.shard().executor().execute(() -> {
                    t.release(e == null ? history.datagrams() : List.of());
                    ack.complete(
                            e != null
                                    ? Ack.error(ErrorCode.OVERLOADED, "the interest could not be registered", ref)
                                    : Ack.subscribed(ref, !history.complete()));
                }));
        return ack;
    }

    /**
     * The {@code presence} flag of a {@code /meta/subscribe}: true or false (absent: false); {@code true} only
     * on a presence path ({@link io.warren.PresenceOptions}), else {@code forbidden}.
     */
    private boolean presenceFlag(PathPattern pattern, JsonNode flag) {
        if (flag == null || flag.isNull()) {
            return false;
        }
        if (!flag.isBoolean()) {
            throw ErrorCode.BAD_REQUEST.exception("presence must be true or false");
        }
        if (flag.asBoolean() && !node.presence().covers(pattern)) {
            throw ErrorCode.FORBIDDEN.exception("no presence on " + pattern.wirePath() + ": not a presence path");
        }
        return flag.asBoolean();
    }

    /** The history options of a {@code /meta/subscribe}: {@code bad-request} unless well-formed. */
    private static void checkHistory(PathPattern pattern, JsonNode since, JsonNode recent) {
        if (pattern.kind() != PathPattern.Kind.EXACT) {
            throw ErrorCode.BAD_REQUEST.exception("since and recent need an exact path: history is kept per path");
        }
        if (since != null && recent != null) {
            throw ErrorCode.BAD_REQUEST.exception("give either since or recent, not both");
        }
        if (since != null && !since.isTextual()) {
            throw ErrorCode.BAD_REQUEST.exception("since must be a datagram id");
        }
        if (recent != null
                && (!recent.canConvertToInt()
                        || !recent.isIntegralNumber()
                        || recent.asInt() < 1
                        || recent.asInt() > 10_000)) {
            throw ErrorCode.BAD_REQUEST.exception("recent must be an integer from 1 to 10000");
        }
    }

    /**
     * Parses and checks a pattern a client wants: {@code bad-path} when malformed; {@code forbidden} under
     * {@code /meta/}, and under {@code /client/} for anything but the client's own exact path (which it
     * always has).
     */
    static PathPattern clientPattern(String text, boolean subpaths) {
        PathPattern p = PathPattern.parse(text, subpaths).requireNotMeta();
        if (p.isClient() || p.base().equals("/client")) {
            throw ErrorCode.FORBIDDEN.exception(
                    "client paths cannot be subscribed; each tunnel receives its own /client/C already");
        }
        return p;
    }

    /** Validates patterns a client names when opening a tunnel against {@code limits}. */
    static List<PathPattern> openPatterns(List<String> texts, Limits limits) {
        List<PathPattern> out = new ArrayList<>(texts.size());
        for (String text : texts) {
            PathPattern p = clientPattern(text, false);
            limits.checkPath(p.key(), depth(p));
            if (!out.contains(p)) {
                out.add(p);
            }
        }
        return out;
    }

    /** What {@code t}'s client sent recently (rate, idempotency window), created at its first send. Shard thread. */
    private static ClientSends sends(Tunnel t) {
        if (t.sends == null) {
            t.sends = new ClientSends();
        }
        return t.sends;
    }
}
