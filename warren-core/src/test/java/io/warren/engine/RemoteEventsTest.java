package io.warren.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.ErrorCode;
import io.warren.WarrenException;
import io.warren.datagram.Ack;
import io.warren.datagram.ClientDatagram;
import io.warren.format.Formats;
import io.warren.spi.Authorizer;
import io.warren.spi.TunnelRecord;
import io.warren.spi.TunnelRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link RemoteEvents}: what goes to the node holding a tunnel, what comes back, and what a failure means. */
class RemoteEventsTest {
    private final ManualShardExecutor exec = new ManualShardExecutor();
    private Node node;

    /** A shared registry whose forwarding answers with {@code answer}; records what it forwarded. */
    static final class Forwarding implements TunnelRegistry {
        final List<String> forwarded = new ArrayList<>();
        Function<String, CompletionStage<String>> answer = r -> CompletableFuture.completedFuture(null);
        Listener listener;

        @Override
        public CompletionStage<Void> start(Listener l) {
            listener = l;
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean shared() {
            return true;
        }

        @Override
        public CompletionStage<Map<String, PutResult>> put(
                Collection<TunnelRecord> records, Duration ttl, boolean create) {
            return CompletableFuture.completedFuture(Map.of());
        }

        @Override
        public CompletionStage<TunnelRecord> claim(String tunnelId, Duration ttl) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> remove(String tunnelId) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<String> forward(String tunnelId, String request) {
            forwarded.add(tunnelId + " " + request);
            return answer.apply(request);
        }

        @Override
        public void close() {}
    }

    @AfterEach
    void close() {
        if (node != null) {
            node.close();
        }
    }

    private Node node(TunnelRegistry registry) {
        node = Node.builder()
                .authorizer(Authorizer.allowAll())
                .registry(registry)
                .executors(List.of(exec))
                .clock(exec::now)
                .build();
        node.start();
        return node;
    }

    private static ErrorCode failure(CompletionStage<?> s) {
        CompletableFuture<?> f = s.toCompletableFuture();
        assertThat(f).isCompletedExceptionally();
        try {
            f.join();
            throw new AssertionError("not failed");
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(WarrenException.class);
            return ((WarrenException) e.getCause()).code();
        }
    }

    @Test
    void datagramsAndAcksCrossUnchanged() {
        List<ClientDatagram> sent = List.of(
                new ClientDatagram("T", "/a/b", "{\"n\":[1,\"x\\\"y\"]}", "r1", null),
                new ClientDatagram("T", "/a/c", null, null, null),
                ClientDatagram.invalid(ErrorCode.BAD_JSON.exception("not json"), "r3", "T"));
        List<ClientDatagram> got = RemoteEvents.decode("T", RemoteEvents.encode(sent));
        assertThat(got.subList(0, 2))
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactlyElementsOf(sent.subList(0, 2));
        assertThat(got.get(2).ref()).isEqualTo("r3");
        assertThat(got.get(2).error().code()).isEqualTo(ErrorCode.BAD_JSON);
        assertThat(got.get(2).error().getMessage()).isEqualTo("not json");

        List<Ack> acks = List.of(
                Ack.ok("id-1", "r1"), Ack.subscribed(null, true), Ack.error(ErrorCode.RATE_LIMITED, "slow down", "r3"));
        assertThat(RemoteEvents.decodeAcks(RemoteEvents.encodeAcks(acks))).containsExactlyElementsOf(acks);
    }

    @Test
    void onASingleNodeAnUnknownTunnelIsUnknownAndNothingIsForwarded() {
        Node n = node(TunnelRegistry.local());
        assertThat(failure(n.clientDatagrams("nope", List.of(new ClientDatagram("nope", "/x", "1", null, null)))))
                .isEqualTo(ErrorCode.UNKNOWN_TUNNEL);
    }

    @Test
    void theOwnersAcksComeBackAndItsSilenceOrNonsenseIsOverloadedNeverOk() {
        Forwarding registry = new Forwarding();
        Node n = node(registry);
        List<ClientDatagram> one = List.of(new ClientDatagram("elsewhere", "/x", "1", "r", null));
        registry.answer = r -> CompletableFuture.completedFuture(RemoteEvents.encodeAcks(List.of(Ack.ok("id-9", "r"))));
        assertThat(n.clientDatagrams("elsewhere", one).toCompletableFuture().join())
                .containsExactly(Ack.ok("id-9", "r"));
        assertThat(registry.forwarded).containsExactly("elsewhere " + RemoteEvents.encode(one));

        registry.answer = r -> CompletableFuture.completedFuture(null);
        assertThat(failure(n.clientDatagrams("elsewhere", one))).isEqualTo(ErrorCode.UNKNOWN_TUNNEL);
        registry.answer = r -> CompletableFuture.failedFuture(new IllegalStateException("timed out"));
        assertThat(failure(n.clientDatagrams("elsewhere", one))).isEqualTo(ErrorCode.OVERLOADED);
        registry.answer = r -> CompletableFuture.completedFuture("{\"not\":\"acks\"}");
        assertThat(failure(n.clientDatagrams("elsewhere", one))).isEqualTo(ErrorCode.OVERLOADED);
        registry.answer = r -> {
            throw new IllegalStateException("refused at once");
        };
        assertThat(failure(n.clientDatagrams("elsewhere", one))).isEqualTo(ErrorCode.OVERLOADED);
    }

    @Test
    void aForwardedRequestIsHandledAsTheTunnelsOwnAndAnUnknownIdIsNull() {
        Forwarding registry = new Forwarding();
        Node n = node(registry);
        RecordingConnection c = new RecordingConnection(Formats.builtIn().get("stream"));
        Tunnel t = exec.done(
                n.open(NodeSecurityTest.from("10.0.0.1"), n.shardFor(exec), Node.openPatterns(List.of("/x")), c));
        String request = RemoteEvents.encode(List.of(
                new ClientDatagram(null, "/x", "1", "r1", null),
                new ClientDatagram(null, "/meta/nope", "1", "r2", null)));
        List<Ack> acks = RemoteEvents.decodeAcks(exec.done(registry.listener.forwarded(t.id(), request)));
        assertThat(acks).hasSize(2);
        assertThat(acks.get(0).ok()).isTrue();
        assertThat(acks.get(1).error()).isEqualTo(ErrorCode.FORBIDDEN);
        exec.runPending();
        assertThat(c.text())
                .contains("\"id\":\"" + acks.get(0).id() + "\"")
                .contains("\"from\":\"" + t.clientId() + "\"");
        assertThat(registry.forwarded).as("held here: nothing goes out").isEmpty();

        assertThat(exec.done(registry.listener.forwarded(t.id() + "x", request)))
                .isNull();
        assertThat(registry.forwarded).isEmpty();
    }
}
