package io.warren.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warren.ErrorCode;
import io.warren.Limits;
import io.warren.NodeOptions;
import io.warren.WarrenException;
import io.warren.datagram.Ack;
import io.warren.datagram.ClientDatagram;
import io.warren.format.Formats;
import io.warren.spi.Authorizer;
import io.warren.spi.Identity;
import io.warren.spi.MapOpenRequest;
import io.warren.spi.OpenRequest;
import io.warren.spi.Permissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Engine-level security with a manual executor and clock: token bucket, tunnels per address, expiry, lookup. */
class NodeSecurityTest {
    private final ManualShardExecutor exec = new ManualShardExecutor();
    private Node node;

    static OpenRequest from(String address) {
        return MapOpenRequest.from(address);
    }

    private Node node(Limits limits, Identity identity) {
        node = Node.builder()
                .options(NodeOptions.defaults().withTunnelTimeout(Duration.ofSeconds(5)))
                .executors(List.of(exec))
                .clock(exec::now)
                .limits(limits)
                .authenticator(r -> CompletableFuture.completedFuture(identity))
                .authorizer(Authorizer.byPermissions(Permissions.NONE))
                .build();
        node.start();
        return node;
    }

    @AfterEach
    void close() {
        if (node != null) {
            node.close();
        }
    }

    private <T> T done(CompletionStage<T> stage) {
        exec.runPending();
        CompletableFuture<T> f = stage.toCompletableFuture();
        assertThat(f).isDone();
        return f.join();
    }

    private Tunnel open(String address) {
        return done(node.open(
                from(address),
                node.shardFor(exec),
                List.of(),
                new RecordingConnection(Formats.builtIn().get("stream"))));
    }

    private List<String> send(Tunnel t, int n) {
        List<ClientDatagram> ds = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ds.add(new ClientDatagram(t.id(), t.clientPath().toString(), String.valueOf(i), null, null));
        }
        return done(node.clientDatagrams(t, ds)).stream()
                .map(a -> a.ok() ? "ok" : a.error().wireName())
                .toList();
    }

    @Test
    void anEmbeddingMustChooseAnAuthorizer() {
        assertThatThrownBy(() -> Node.builder().executors(List.of(exec)).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("authorizer");
        Node open = Node.builder()
                .executors(List.of(exec))
                .authorizer(Authorizer.allowAll())
                .build();
        assertThat(open).isNotNull();
        open.close();
    }

    @Test
    void tokenBucketRefillsAtTheConfiguredRate() {
        node(Limits.defaults().withEventsPerSecond(2).withEventsBurst(3), Identity.ANONYMOUS);
        Tunnel t = open("10.0.0.1");
        assertThat(send(t, 5)).containsExactly("ok", "ok", "ok", "rate-limited", "rate-limited");
        exec.advanceMillis(500);
        assertThat(send(t, 2)).containsExactly("ok", "rate-limited");
        exec.advanceMillis(10_000);
        assertThat(send(t, 4)).containsExactly("ok", "ok", "ok", "rate-limited"); // never more than the burst
        Tunnel other = open("10.0.0.2");
        assertThat(send(other, 3)).containsOnly("ok");
    }

    @Test
    void tunnelsPerAddressAreCountedUntilCulled() {
        node(Limits.defaults().withMaxTunnelsPerAddress(2), Identity.ANONYMOUS);
        RecordingConnection ca = new RecordingConnection(Formats.builtIn().get("stream"));
        Tunnel a = done(node.open(from("10.0.0.1"), node.shardFor(exec), List.of(), ca));
        open("10.0.0.1");
        CompletionStage<Tunnel> third = node.open(
                from("10.0.0.1"),
                node.shardFor(exec),
                List.of(),
                new RecordingConnection(Formats.builtIn().get("stream")));
        exec.runPending();
        assertThatThrownBy(() -> third.toCompletableFuture().join())
                .isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(WarrenException.class)
                .cause()
                .extracting(e -> ((WarrenException) e).code())
                .isEqualTo(ErrorCode.TOO_MANY);
        open("10.0.0.9"); // another address is not affected
        node.detach(a, ca);
        exec.advanceMillis(6000); // past the tunnel timeout: a is culled, its slot freed
        assertThat(node.tunnel(a.id())).isNull();
        assertThat(open("10.0.0.1")).isNotNull();
    }

    @Test
    void anExpiredIdentityIsClosedWithReasonExpired() {
        Identity soon = new Identity("u", Map.of(), Instant.now().minusSeconds(1));
        node(Limits.defaults(), soon);
        RecordingConnection c = new RecordingConnection(Formats.builtIn().get("stream"));
        Tunnel t = done(node.open(from("10.0.0.1"), node.shardFor(exec), List.of(), c));
        exec.advanceMillis(2000); // a sweep runs
        assertThat(c.ended()).isTrue();
        assertThat(c.text()).contains("\"path\":\"/meta/close\"").contains("\"reason\":\"expired\"");
        assertThat(node.tunnel(t.id())).isNull();
        assertThat(node.tunnelCount()).isZero();
    }

    @Test
    void lookupNeedsTheWholeId() {
        node(Limits.defaults(), Identity.ANONYMOUS);
        Tunnel t = open("10.0.0.1");
        assertThat(node.tunnel(t.id())).isSameAs(t);
        assertThat(node.tunnel(t.id().substring(1))).isNull();
        assertThat(node.tunnel(t.id() + "x")).isNull();
        assertThat(node.tunnel("")).isNull();
        assertThat(node.tunnel(null)).isNull();
    }

    @Test
    void permissionsNoneStillAllowsTheOwnClientPath() {
        node(Limits.defaults(), new Identity("u", Map.of()));
        Tunnel t = open("10.0.0.1");
        List<Ack> acks = done(node.clientDatagrams(
                t,
                List.of(
                        new ClientDatagram(t.id(), t.clientPath().toString(), "1", null, null),
                        new ClientDatagram(t.id(), "/a", "1", null, null),
                        new ClientDatagram(t.id(), "/meta/subscribe", "{\"path\":\"/a\"}", null, null))));
        assertThat(acks)
                .extracting(a -> a.ok() ? "ok" : a.error().wireName())
                .containsExactly("ok", "forbidden", "forbidden");
    }
}
