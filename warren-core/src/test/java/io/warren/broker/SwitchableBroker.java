package io.warren.broker;

import io.warren.datagram.Datagram;
import io.warren.path.PathPattern;
import io.warren.spi.Broker;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link MemoryBroker} that can be switched down: while down, publishes and pings fail as an
 * unreachable backend's would, and everything else still works. For tests of what a node does when its
 * broker fails.
 */
public final class SwitchableBroker implements Broker {
    private final MemoryBroker memory = new MemoryBroker();
    private volatile boolean down;

    public SwitchableBroker(boolean down) {
        this.down = down;
    }

    public void down(boolean down) {
        this.down = down;
    }

    @Override
    public CompletionStage<Void> start(Listener listener) {
        return memory.start(listener);
    }

    @Override
    public CompletionStage<Void> publish(Datagram datagram) {
        return down ? CompletableFuture.failedFuture(new IOException("backend down")) : memory.publish(datagram);
    }

    @Override
    public CompletionStage<Void> subscribe(PathPattern pattern) {
        return memory.subscribe(pattern);
    }

    @Override
    public CompletionStage<Void> unsubscribe(PathPattern pattern) {
        return memory.unsubscribe(pattern);
    }

    @Override
    public CompletionStage<Void> ping() {
        return down ? CompletableFuture.failedFuture(new IOException("connection refused")) : memory.ping();
    }

    @Override
    public void close() {
        memory.close();
    }
}
