package io.warren.engine;

import io.warren.format.Format;
import io.warren.format.Formats;
import io.warren.spi.Connection;
import io.warren.spi.ConnectionContract;
import java.util.List;
import java.util.concurrent.Callable;

/** The engine's test double keeps the contract too, so engine tests see what a real connection would send. */
class RecordingConnectionTest extends ConnectionContract {
    private static final Formats FORMATS = Formats.builtIn();

    @Override
    protected List<Format> formats() {
        return List.of(FORMATS.get("stream"), FORMATS.get("longpoll"));
    }

    @Override
    protected boolean hasSocketBuffer() {
        return false;
    }

    @Override
    protected Peer connect(Format format) {
        RecordingConnection c = new RecordingConnection(format);
        return new Peer() {
            @Override
            public Connection connection() {
                return c;
            }

            @Override
            public <T> T onShard(Callable<T> call) throws Exception {
                return call.call(); // the test thread is the shard
            }

            @Override
            public String received() {
                return String.join("", c.flushes);
            }

            @Override
            public boolean complete() {
                return c.ended();
            }

            @Override
            public void pauseReading(boolean paused) {}

            @Override
            public void disconnect() {
                c.active = false;
            }

            @Override
            public void close() {}
        };
    }
}
