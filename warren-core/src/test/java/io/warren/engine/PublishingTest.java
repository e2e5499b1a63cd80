package io.warren.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.ErrorCode;
import io.warren.Limits;
import io.warren.api.NodeListener;
import io.warren.datagram.Ack;
import io.warren.datagram.ClientDatagram;
import io.warren.datagram.Datagram;
import io.warren.datagram.DatagramIds;
import io.warren.path.PathPattern;
import io.warren.spi.Authorizer;
import io.warren.spi.Broker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** Publishing on its own: only granted datagrams reach the broker, one ack each, in request order, never a false ok. */
class PublishingTest {
    private final Sent broker = new Sent();
    private final Publishing publishing = new Publishing(
            new AccessGate(Authorizer.allowAll()),
            broker,
            new DatagramIds(),
            Limits.defaults().withMaxDatagramBytes(8),
            NodeListener.NONE);

    /** A broker that records what it is handed; a path's first segment says how it answers. */
    static final class Sent implements Broker {
        final List<String> paths = new ArrayList<>();
        final io.warren.broker.MemoryBroker publishIds = new io.warren.broker.MemoryBroker();
        boolean keepsIds = true;

        @Override
        public CompletionStage<String> claimOnce(String key, String id, java.time.Duration window) {
            return keepsIds ? publishIds.claimOnce(key, id, window) : Broker.super.claimOnce(key, id, window);
        }

        @Override
        public CompletionStage<Void> forgetClaim(String key, String id) {
            return publishIds.forgetClaim(key, id);
        }

        @Override
        public CompletionStage<Void> publish(Datagram d) {
            paths.add(d.path().toString());
            return switch (d.path().toString().split("/")[1]) {
                case "throws" -> throw new IllegalStateException("broker bug");
                case "fails" -> CompletableFuture.failedFuture(new IllegalStateException("backend down"));
                case "full" -> CompletableFuture.failedFuture(ErrorCode.OVERLOADED.exception("inbox full"));
                default -> CompletableFuture.completedFuture(null);
            };
        }

        @Override
        public CompletionStage<Void> start(Listener l) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> subscribe(PathPattern p) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> unsubscribe(PathPattern p) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {}
    }

    private static ClientDatagram cd(String path, String data, String ref) {
        return new ClientDatagram(null, path, data, ref, null);
    }

    @Test
    void backendAcksComeInRequestOrderAndOnlyGrantedDatagramsReachTheBroker() {
        List<Ack> acks = publishing
                .backend(List.of(
                        cd("/a", "1", "r1"),
                        new ClientDatagram(null, null, null, "r2", ErrorCode.BAD_REQUEST.exception("not json")),
                        cd("/meta/x", "1", "r3"),
                        cd("/b", "\"too long\"", "r4"),
                        cd("/c", "3", "r5")))
                .toCompletableFuture()
                .join();
        assertThat(acks).extracting(Ack::ref).containsExactly("r1", "r2", "r3", "r4", "r5");
        assertThat(acks)
                .extracting(Ack::error)
                .containsExactly(null, ErrorCode.BAD_REQUEST, ErrorCode.FORBIDDEN, ErrorCode.TOO_LARGE, null);
        assertThat(acks.get(0).id()).isNotNull().isNotEqualTo(acks.get(4).id());
        assertThat(broker.paths).containsExactly("/a", "/c");
    }

    @Test
    void aBrokerThatThrowsFailsOrRefusesIsNeverAnsweredOk() {
        List<Ack> acks = publishing
                .backend(List.of(cd("/throws/x", "1", "a"), cd("/fails/x", "1", "b"), cd("/full/x", "1", "c")))
                .toCompletableFuture()
                .join();
        assertThat(acks).noneMatch(Ack::ok);
        assertThat(acks).extracting(Ack::error).containsOnly(ErrorCode.OVERLOADED);
        assertThat(acks.get(2).message()).isEqualTo("inbox full");
    }

    @Test
    void codeInThisProcessMayPublishUnderMeta() {
        assertThat(publishing
                        .inProcess("/meta/status", "{}")
                        .toCompletableFuture()
                        .join()
                        .ok())
                .isTrue();
        assertThat(broker.paths).containsExactly("/meta/status");
    }

    @Test
    void aBackendIdPublishesOnceAFailedPublishForgetsItAndABrokerWithoutIdsPublishesNothing() {
        Ack first = publishing
                .backend(List.of(cd("/a", "1", "k1")))
                .toCompletableFuture()
                .join()
                .get(0);
        List<Ack> again = publishing
                .backend(List.of(cd("/a", "1", "k1"), cd("/fails/x", "1", "k2")))
                .toCompletableFuture()
                .join();
        assertThat(again.get(0).id()).isEqualTo(first.id());
        assertThat(again.get(0).ok()).isTrue();
        assertThat(again.get(1).ok()).isFalse();
        assertThat(broker.paths).containsExactly("/a", "/fails/x");
        Ack retried = publishing
                .backend(List.of(cd("/b", "1", "k2")))
                .toCompletableFuture()
                .join()
                .get(0);
        assertThat(retried.ok()).as("the failed publish forgot k2").isTrue();
        assertThat(broker.paths).containsExactly("/a", "/fails/x", "/b");

        broker.keepsIds = false;
        Ack unsure = publishing
                .backend(List.of(cd("/c", "1", "k3")))
                .toCompletableFuture()
                .join()
                .get(0);
        assertThat(unsure.error()).isEqualTo(ErrorCode.OVERLOADED);
        assertThat(broker.paths).as("never published without the check").containsExactly("/a", "/fails/x", "/b");
    }
}
