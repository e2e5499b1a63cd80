package io.warren.spi;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.warren.format.Format;
import io.warren.format.Mode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The {@link Connection} contract as tests: every implementation extends this class (see the Javadoc of
 * {@link Connection}). Each test drives a connection as the engine does, on its shard thread, and checks
 * what the client at the other end received, transport framing removed: over a real socket for the
 * server's implementations.
 */
public abstract class ConnectionContract {
    protected static final Duration WAIT = Duration.ofSeconds(10);

    private static final byte[] HEADER = "<header>".getBytes(UTF_8);
    private static final byte[] FOOTER = "<footer>".getBytes(UTF_8);

    /** A connection and the client at its other end. */
    protected interface Peer extends AutoCloseable {
        Connection connection();

        /** Runs {@code call} on the connection's shard thread (where the engine calls from) and returns its result. */
        <T> T onShard(Callable<T> call) throws Exception;

        /** What the client has received so far, transport framing removed, as UTF-8. */
        String received();

        /** Whether the client has the whole response: the socket closed after it, or a complete poll response. */
        boolean complete();

        /** The client stops reading (true) or reads again (false). */
        void pauseReading(boolean paused);

        /** The client goes away. */
        void disconnect();

        @Override
        void close();
    }

    /** The formats this implementation speaks; each test runs for every one of them. */
    protected abstract List<Format> formats();

    /** A new connection in {@code format}, its client connected, nothing sent yet. */
    protected abstract Peer connect(Format format) throws Exception;

    /** Whether the connection has a socket whose buffer can fill, so that {@link Connection#isWritable} can turn false. */
    protected boolean hasSocketBuffer() {
        return true;
    }

    private final List<Peer> peers = new ArrayList<>();

    private Peer peer(Format format) throws Exception {
        Peer p = connect(format);
        peers.add(p);
        return p;
    }

    @AfterEach
    void closePeers() {
        peers.forEach(Peer::close);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    /** Drives the connection as the engine does: on its shard thread. */
    private static void onShard(Peer p, Consumer<Connection> action) throws Exception {
        p.onShard(() -> {
            action.accept(p.connection());
            return null;
        });
    }

    @Test
    void theClientReceivesTheHeaderThenEveryWriteInOrderThenTheFooter() throws Exception {
        for (Format f : formats()) {
            Peer p = peer(f);
            onShard(p, c -> {
                c.open(HEADER);
                c.write(bytes("a"));
                c.write(bytes("b"));
                c.flush();
            });
            if (f.mode() == Mode.STREAM) {
                // A stream sends at each flush, before the end.
                await().atMost(WAIT)
                        .untilAsserted(() -> assertThat(p.received()).isEqualTo("<header>ab"));
            }
            onShard(p, c -> {
                c.write(bytes("c"));
                c.flush();
                c.write(bytes("d")); // written, not flushed: end sends it before the footer
                c.end(FOOTER, "culled");
            });

            await().atMost(WAIT).until(p::complete);
            assertThat(p.received()).as(f.name()).isEqualTo("<header>abcd<footer>");
        }
    }

    @Test
    void endIsIdempotentAndWhatComesAfterItIsIgnored() throws Exception {
        for (Format f : formats()) {
            Peer p = peer(f);
            onShard(p, c -> {
                c.open(HEADER);
                c.write(bytes("a"));
                c.flush();
                c.end(FOOTER, "superseded");
                c.end(bytes("<second footer>"), "shutdown");
                c.write(bytes("late"));
                c.flush();
            });

            await().atMost(WAIT).until(p::complete);
            assertThat(p.received()).as(f.name()).isEqualTo("<header>a<footer>");
        }
    }

    @Test
    void aStreamEndClosesTheConnection() throws Exception {
        for (Format f : formats()) {
            if (f.mode() != Mode.STREAM) {
                continue;
            }
            Peer p = peer(f);
            onShard(p, c -> {
                c.open(HEADER);
                c.end(FOOTER, "culled");
            });

            await().atMost(WAIT).until(p::complete);
            await().atMost(WAIT).until(() -> !p.onShard(p.connection()::isActive));
        }
    }

    @Test
    void isActiveUntilTheClientGoes() throws Exception {
        for (Format f : formats()) {
            Peer p = peer(f);
            onShard(p, c -> {
                c.open(HEADER);
                c.flush();
            });
            assertThat(p.onShard(p.connection()::isActive)).as(f.name()).isTrue();

            p.disconnect();
            await().atMost(WAIT).until(() -> !p.onShard(p.connection()::isActive));
        }
    }

    @Test
    void isWritableTurnsFalseWhileTheClientDoesNotReadAndBackWhenItDoes() throws Exception {
        Assumptions.assumeTrue(hasSocketBuffer(), "no socket buffer to fill");
        for (Format f : formats()) {
            if (f.mode() != Mode.STREAM) {
                continue;
            }
            Peer p = peer(f);
            onShard(p, c -> c.open(HEADER));
            assertThat(p.onShard(p.connection()::isWritable)).as(f.name()).isTrue();
            p.pauseReading(true);
            byte[] block = new byte[64 * 1024];
            Arrays.fill(block, (byte) 'x');
            long sent = 0;
            // Bounded: loopback buffers are a few MiB; 256 MiB unsent would mean isWritable never turns false.
            while (p.onShard(p.connection()::isWritable)) {
                assertThat(sent).as("bytes sent while the client does not read").isLessThan(256L << 20);
                onShard(p, c -> {
                    c.write(block);
                    c.flush();
                });
                sent += block.length;
            }
            p.pauseReading(false);

            await().atMost(WAIT).until(() -> p.onShard(p.connection()::isWritable));
            long expected = HEADER.length + sent;
            await().atMost(WAIT).until(() -> p.received().length() == expected);
        }
    }

    @Test
    void theBytesAreSentAsGivenAndTheSharedArrayIsNeverModified() throws Exception {
        for (Format f : formats()) {
            byte[] shared = bytes("{\"path\":\"/a\",\"data\":\"é €\"}");
            byte[] copy = shared.clone();
            Peer first = peer(f);
            Peer second = peer(f);
            for (Peer p : List.of(first, second)) {
                onShard(p, c -> {
                    c.open(HEADER);
                    c.write(shared);
                    c.flush();
                    c.write(shared);
                    c.end(FOOTER, "poll");
                });
            }
            String expected = "<header>" + new String(copy, UTF_8) + new String(copy, UTF_8) + "<footer>";
            for (Peer p : List.of(first, second)) {
                await().atMost(WAIT).until(p::complete);
                assertThat(p.received()).as(f.name()).isEqualTo(expected);
            }
            assertThat(shared).isEqualTo(copy);
        }
    }
}
