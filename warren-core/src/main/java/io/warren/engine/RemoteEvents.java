package io.warren.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.warren.ErrorCode;
import io.warren.datagram.Ack;
import io.warren.datagram.ClientDatagram;
import io.warren.spi.TunnelRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of client datagrams for a tunnel held by another node ({@code POST /events} landing on
 * any node): they are forwarded, through the {@link TunnelRegistry}, to the owner, which handles them
 * exactly as its own ({@link ClientDatagrams}: rate limit, idempotency window, {@code /meta/} control
 * datagrams, the {@link AccessGate}); its acks come back unchanged. Nothing is decided here but where
 * the datagrams go, so limits and authorization stay in one place, cluster-wide by construction.
 *
 * <p>The owner not answering (dead, stalled, Redis unreachable, too many requests in flight) is
 * {@code overloaded}, never a silent ok; no node holding the tunnel is {@code unknown-tunnel}. Any thread.
 */
final class RemoteEvents {
    private static final Logger log = LoggerFactory.getLogger(RemoteEvents.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Node node;
    private final ClientDatagrams clientDatagrams;
    private final TunnelRegistry registry;

    RemoteEvents(Node node, ClientDatagrams clientDatagrams, TunnelRegistry registry) {
        this.node = node;
        this.clientDatagrams = clientDatagrams;
        this.registry = registry;
    }

    /** Forwards {@code datagrams} to the node holding {@code tunnelId}; fails with a {@code WarrenException}. */
    CompletionStage<List<Ack>> forward(String tunnelId, List<ClientDatagram> datagrams) {
        if (!registry.shared()) {
            return CompletableFuture.failedFuture(unknown());
        }
        CompletionStage<String> reply;
        try {
            reply = registry.forward(tunnelId, encode(datagrams));
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        return reply.handle((answer, e) -> {
            if (e != null) {
                log.debug("forwarding client datagrams failed: {}", e.toString());
                throw ErrorCode.OVERLOADED.exception(
                        "the node holding this tunnel did not answer in time: retry (with the same ids)");
            }
            if (answer == null) {
                throw unknown();
            }
            try {
                return decodeAcks(answer);
            } catch (IllegalArgumentException bad) {
                log.warn("unreadable answer from the node holding a tunnel: {}", bad.getMessage());
                throw ErrorCode.OVERLOADED.exception("the node holding this tunnel answered nonsense: retry");
            }
        });
    }

    /**
     * Serves datagrams another node forwarded for {@code tunnelId}: {@code null} when this node does not
     * hold it (looked up in constant time, as for a local request), else the acks.
     */
    CompletionStage<String> serve(String tunnelId, String request) {
        Tunnel t = node.tunnel(tunnelId);
        if (t == null) {
            return CompletableFuture.completedFuture(null);
        }
        return clientDatagrams.handle(t, decode(tunnelId, request)).thenApply(RemoteEvents::encodeAcks);
    }

    private static io.warren.WarrenException unknown() {
        return ErrorCode.UNKNOWN_TUNNEL.exception("no such tunnel (it may have been culled): open a new one");
    }

    static String encode(List<ClientDatagram> datagrams) {
        ArrayNode a = JSON.createArrayNode();
        for (ClientDatagram cd : datagrams) {
            ObjectNode o = a.addObject();
            // data as its JSON text (valid UTF-8, checked at the entry): byte[] would become Base64
            o.put("p", cd.path())
                    .put("d", cd.data() == null ? null : new String(cd.data(), StandardCharsets.UTF_8))
                    .put("r", cd.ref());
            if (cd.error() != null) {
                o.put("e", cd.error().code().name()).put("m", cd.error().getMessage());
            }
        }
        return a.toString();
    }

    static List<ClientDatagram> decode(String tunnelId, String request) {
        List<ClientDatagram> out = new ArrayList<>();
        for (JsonNode o : read(request)) {
            String ref = text(o, "r");
            out.add(
                    o.hasNonNull("e")
                            ? ClientDatagram.invalid(
                                    ErrorCode.valueOf(o.get("e").asText()).exception(text(o, "m")), ref, tunnelId)
                            : new ClientDatagram(tunnelId, text(o, "p"), text(o, "d"), ref, null));
        }
        return out;
    }

    static String encodeAcks(List<Ack> acks) {
        ArrayNode a = JSON.createArrayNode();
        for (Ack ack : acks) {
            ObjectNode o = a.addObject().put("ok", ack.ok()).put("id", ack.id()).put("r", ack.ref());
            o.put("g", ack.gap());
            if (ack.expires() > 0) {
                o.put("x", ack.expires());
            }
            if (ack.error() != null) {
                o.put("e", ack.error().name()).put("m", ack.message());
            }
        }
        return a.toString();
    }

    static List<Ack> decodeAcks(String reply) {
        List<Ack> out = new ArrayList<>();
        for (JsonNode o : read(reply)) {
            out.add(new Ack(
                    o.path("ok").asBoolean(),
                    text(o, "id"),
                    text(o, "r"),
                    o.hasNonNull("e") ? ErrorCode.valueOf(o.get("e").asText()) : null,
                    text(o, "m"),
                    o.path("g").asBoolean(),
                    o.path("x").asLong()));
        }
        return out;
    }

    private static JsonNode read(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || !n.isArray()) {
                throw new IllegalArgumentException("a forwarded message must be a JSON array");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("unreadable forwarded message: " + e.getOriginalMessage(), e);
        }
    }

    private static @Nullable String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
