package io.warren.broker;

import io.warren.datagram.Datagram;
import io.warren.path.PathPattern;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The single-node broker: a published datagram goes straight to this node's listener, on the calling
 * thread. The node routes it locally, so interest calls need no bookkeeping here.
 */
public final class MemoryBroker implements Broker {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private volatile Listener listener;

    @Override
    public CompletionStage<Void> start(Listener listener) {
        this.listener = listener;
        return DONE;
    }

    @Override
    public CompletionStage<Void> publish(Datagram datagram) {
        Listener l = listener;
        if (l == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("broker is not started"));
        }
        l.onDatagram(datagram);
        return DONE;
    }

    @Override
    public CompletionStage<Void> subscribe(PathPattern pattern) {
        return DONE;
    }

    @Override
    public CompletionStage<Void> unsubscribe(PathPattern pattern) {
        return DONE;
    }

    @Override
    public void close() {
        listener = null;
    }
}
