package io.warren.engine;

import io.warren.ErrorCode;
import io.warren.Limits;
import io.warren.WarrenException;
import io.warren.api.NodeListener;
import io.warren.datagram.Ack;
import io.warren.datagram.ClientDatagram;
import io.warren.datagram.Datagram;
import io.warren.datagram.DatagramIds;
import io.warren.datagram.JsonData;
import io.warren.path.Path;
import io.warren.spi.Broker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The one way to the {@link Broker}'s publish: only with the gate's {@link AccessGate.PublishGrant}.
 * Publishes from the backend ({@code POST /publish}: no tunnel, no {@code from}) and from code
 * (embedding: trusted, {@code /meta/} paths too); client datagrams come through {@link ClientDatagrams}.
 *
 * <p>Every datagram gets one {@link Ack}, and a list of datagrams gets its acks in request order. A
 * datagram the broker or a full shard inbox refused is answered {@code overloaded} (or the broker's own
 * error), never ok. Any thread; ack stages never fail.
 */
final class Publishing {
    /** How long a backend datagram's own id keeps a retry from being published again. */
    static final java.time.Duration BACKEND_ID_WINDOW = java.time.Duration.ofMinutes(5);

    private static final String ID_KEY = "publish:";
    private final AccessGate gate;
    private final Broker broker;
    private final DatagramIds ids;
    private final Limits limits;
    private final NodeListener listener;

    Publishing(AccessGate gate, Broker broker, DatagramIds ids, Limits limits, NodeListener listener) {
        this.gate = gate;
        this.broker = broker;
        this.ids = ids;
        this.limits = limits;
        this.listener = listener;
    }

    /**
     * Datagrams from the backend; an id is assigned to each. One that carries its own id ({@code ref}) is
     * published once per {@link #BACKEND_ID_WINDOW} cluster-wide ({@link Broker#claimOnce}): a retry is
     * acknowledged with the first one's datagram id and not delivered again; a failed publish forgets the
     * id, so that a retry may succeed. The datagrams of one request reach the broker in request order.
     */
    CompletionStage<List<Ack>> backend(List<ClientDatagram> datagrams) {
        List<CompletableFuture<Ack>> acks = new ArrayList<>(datagrams.size());
        CompletableFuture<?> before = CompletableFuture.completedFuture(null); // the previous one reached the broker
        for (ClientDatagram cd : datagrams) {
            CompletionStage<Ack> ack;
            if (cd.error() != null) {
                ack = CompletableFuture.completedFuture(Ack.error(cd.error(), cd.ref()));
            } else {
                try {
                    AccessGate.PublishGrant grant =
                            gate.backend(new Datagram(ids.next(), Path.of(cd.path()), cd.data(), null));
                    checkSize(cd);
                    String ref = cd.ref();
                    if (ref == null && before.isDone()) {
                        ack = publish(grant, null);
                    } else {
                        CompletableFuture<Ack> result = new CompletableFuture<>();
                        CompletableFuture<@Nullable String> claimed = before.handle((v, e) -> ref)
                                .thenCompose(r -> r == null
                                        ? CompletableFuture.<@Nullable String>completedFuture(null)
                                        : broker.claimOnce(
                                                        ID_KEY + r,
                                                        grant.datagram().id(),
                                                        BACKEND_ID_WINDOW)
                                                .toCompletableFuture());
                        before = claimed.handle((earlier, e) -> {
                            if (e != null) {
                                result.complete(
                                        Ack.error(ErrorCode.OVERLOADED, "the id could not be checked: retry", ref));
                            } else if (earlier != null) {
                                result.complete(Ack.ok(earlier, ref));
                            } else {
                                publish(grant, ref).thenAccept(a -> {
                                    if (!a.ok() && ref != null) {
                                        broker.forgetClaim(
                                                ID_KEY + ref, grant.datagram().id());
                                    }
                                    result.complete(a);
                                });
                            }
                            return true;
                        });
                        ack = result;
                    }
                } catch (WarrenException e) {
                    ack = CompletableFuture.completedFuture(Ack.error(e, cd.ref()));
                }
            }
            acks.add(ack.toCompletableFuture());
        }
        return inOrder(acks);
    }

    /** One datagram from code; the id is assigned here. */
    CompletionStage<Ack> inProcess(String path, String dataJson) {
        try {
            byte[] data = dataJson == null ? null : JsonData.of(dataJson);
            return publish(gate.inProcess(new Datagram(ids.next(), Path.of(path), data, null)), null);
        } catch (WarrenException e) {
            return CompletableFuture.completedFuture(Ack.error(e, null));
        }
    }

    /** Hands the granted datagram to the broker; the ack carries its id, or why it was not published. */
    CompletionStage<Ack> publish(AccessGate.PublishGrant grant, @Nullable String ref) {
        Datagram d = grant.datagram();
        listener.published(d);
        CompletionStage<Void> sent;
        try {
            sent = broker.publish(d);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.handle((v, e) -> e == null
                ? Ack.ok(d.id(), ref)
                : (e instanceof CompletionException c ? c.getCause() : e) instanceof WarrenException w
                        ? Ack.error(w, ref)
                        : Ack.error(ErrorCode.OVERLOADED, "the datagram could not be published", ref));
    }

    /** {@code too-large} when the datagram's data exceeds {@link Limits#maxDatagramBytes()}. */
    void checkSize(ClientDatagram cd) {
        if (cd.data() != null && cd.data().length > limits.maxDatagramBytes()) {
            throw ErrorCode.TOO_LARGE.exception("data may have at most " + limits.maxDatagramBytes() + " bytes");
        }
    }

    /** The acks in request order, once all are done (ack stages never fail). */
    static CompletableFuture<List<Ack>> inOrder(List<CompletableFuture<Ack>> acks) {
        return CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> {
                    List<Ack> out = new ArrayList<>(acks.size());
                    for (CompletableFuture<Ack> a : acks) {
                        out.add(a.join());
                    }
                    return out;
                });
    }
}
