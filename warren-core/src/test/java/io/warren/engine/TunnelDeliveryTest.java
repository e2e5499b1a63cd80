package io.warren.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.api.NodeListener;
import io.warren.api.TunnelView;
import io.warren.datagram.Datagram;
import io.warren.format.Format;
import io.warren.format.Formats;
import io.warren.path.Path;
import io.warren.spi.Identity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A tunnel on its own, without a node: a manual executor and clock, a recording connection and a
 * {@link TunnelContext} that records what the tunnel reports. Covers the delivery strategy chosen at
 * attach, the attach cursor and the dirty hand-off to the shard.
 */
class TunnelDeliveryTest {
    private final ManualShardExecutor exec = new ManualShardExecutor();
    private final Formats formats = Formats.builtIn();
    private final List<String> events = new ArrayList<>();
    private final Context ctx = new Context();
    private final Tunnel tunnel = new Tunnel(
            ctx,
            new Shard(0, exec, 100, ctx.listener()),
            "TUNNEL-ID-0123456789",
            "client123456",
            Identity.ANONYMOUS,
            4,
            1 << 20);

    private final class Context implements TunnelContext {
        @Override
        public long nanoTime() {
            return exec.now();
        }

        @Override
        public long keepaliveMillis(io.warren.format.Format f) {
            return 5000;
        }

        @Override
        public long keepaliveNanos(io.warren.format.Format f) {
            return 5;
        }

        @Override
        public long pollTimeoutNanos(io.warren.format.Format f) {
            return TimeUnit.SECONDS.toNanos(3);
        }

        @Override
        public int heldLimit() {
            return 4;
        }

        @Override
        public NodeListener listener() {
            return new NodeListener() {
                @Override
                public void delivered(Datagram d, int tunnels) {
                    events.add("delivered " + d.id());
                }

                @Override
                public void replayHit() {
                    events.add("replayHit");
                }

                @Override
                public void gap() {
                    events.add("gap");
                }

                @Override
                public void slowConsumer() {
                    events.add("slow");
                }

                @Override
                public void attached(TunnelView t, Format f) {
                    events.add("attached " + f.name());
                }

                @Override
                public void detached(TunnelView t, Format f) {
                    events.add("detached " + f.name());
                }
            };
        }
    }

    private static Datagram d(String id) {
        return new Datagram(id, Path.of("/a"), "1", null);
    }

    private RecordingConnection conn(String format) {
        return new RecordingConnection(formats.get(format));
    }

    @Test
    void aStreamGetsOpenThenEachDatagramAsItComes() {
        RecordingConnection c = conn("stream");
        assertThat(tunnel.attach(c, null, true, null, null)).isTrue();
        assertThat(c.flushes).hasSize(1);
        assertThat(c.flushes.get(0))
                .startsWith("{\"path\":\"/meta/open\",\"data\":{\"tunnel\":\"TUNNEL-ID-0123456789\"")
                .contains("\"keepalive\":5000,\"resumed\":false}");
        assertThat(tunnel.deliver(d("1")))
                .as("the first datagram of a batch makes the tunnel dirty")
                .isTrue();
        assertThat(tunnel.deliver(d("2")))
                .as("already dirty: the shard lists it once")
                .isFalse();
        assertThat(c.flushes).as("nothing before the batch ends").hasSize(1);
        tunnel.flush();
        assertThat(c.flushes).hasSize(2);
        assertThat(c.flushes.get(1)).contains("\"id\":\"1\"").contains("\"id\":\"2\"");
        assertThat(c.ended()).isFalse();
        assertThat(events).containsExactly("attached stream", "delivered 1", "delivered 2");
    }

    @Test
    void aStreamThatStopsTakingBytesIsClosedAsSlowBeforeTheBufferEvictsWhatItLacks() {
        RecordingConnection c = conn("stream");
        tunnel.attach(c, null, true, null, null);
        c.writable = false;
        for (int i = 1; i <= 4; i++) {
            tunnel.deliver(d("" + i));
        }
        tunnel.flush();
        assertThat(c.ended()).isFalse();
        tunnel.deliver(d("5"));
        assertThat(c.endReason).isEqualTo("slow");
        assertThat(c.text()).contains("{\"path\":\"/meta/close\",\"data\":{\"reason\":\"slow\",\"reconnect\":true}}");
        assertThat(events).contains("slow", "detached stream");
        assertThat(tunnel.isAttached()).isFalse();
    }

    @Test
    void aPollIsAnsweredOnceWithEverythingUnacknowledgedAndDetaches() {
        tunnel.deliver(d("1"));
        tunnel.flush();
        RecordingConnection c = conn("longpoll");
        tunnel.attach(c, null, true, null, null);
        assertThat(c.endReason).isEqualTo("poll");
        assertThat(c.text()).contains("/meta/open").contains("\"id\":\"1\"");
        assertThat(tunnel.isAttached()).isFalse();

        RecordingConnection again = conn("longpoll");
        tunnel.attach(again, "1", false, null, null);
        assertThat(again.ended()).as("nothing new: the poll is held").isFalse();
        assertThat(events).as("a poll re-attaching is no resume").doesNotContain("replayHit");
        tunnel.deliver(d("2"));
        tunnel.flush();
        assertThat(again.endReason).isEqualTo("poll");
        assertThat(again.text())
                .contains("\"id\":\"2\"")
                .doesNotContain("\"id\":\"1\"")
                .doesNotContain("/meta/open");
    }

    @Test
    void aHeldPollIsAnsweredEmptyAtItsTimeoutAndItsTimerDiesWithIt() {
        tunnel.attach(conn("longpoll"), null, true, null, null);
        RecordingConnection held = conn("longpoll");
        tunnel.attach(held, null, false, null, null);
        exec.advance(TimeUnit.SECONDS.toNanos(2));
        assertThat(held.ended()).isFalse();
        exec.advance(TimeUnit.SECONDS.toNanos(1));
        assertThat(held.endReason).isEqualTo("poll");

        RecordingConnection gone = conn("longpoll");
        tunnel.attach(gone, null, false, null, null);
        tunnel.detach(gone);
        exec.advance(TimeUnit.SECONDS.toNanos(5));
        assertThat(gone.ended())
                .as("a detached poll's timer no longer answers it")
                .isFalse();
    }

    @Test
    void aGapReachesAStreamAtOnceAndAPollInItsAnswer() {
        RecordingConnection s = conn("stream");
        tunnel.attach(s, null, true, null, null);
        tunnel.reportGap();
        assertThat(s.flushes.get(s.flushes.size() - 1)).contains("\"resumed\":true,\"gap\":true}");

        RecordingConnection p = conn("longpoll");
        tunnel.attach(p, null, false, null, null);
        assertThat(s.endReason).isEqualTo("superseded");
        tunnel.reportGap();
        assertThat(p.endReason).isEqualTo("poll");
        assertThat(p.text()).contains("\"gap\":true");
    }

    @Test
    void endingTellsStreamsWhyButPollsOnlyWhenTheTunnelEndsForGood() {
        RecordingConnection p = conn("longpoll");
        tunnel.attach(conn("longpoll"), null, true, null, null);
        tunnel.attach(p, null, false, null, null);
        tunnel.endConnection("culled", true);
        assertThat(p.text()).doesNotContain("/meta/close");
        RecordingConnection q = conn("longpoll");
        tunnel.attach(q, null, false, null, null);
        tunnel.endConnection("expired", true, true);
        assertThat(q.text())
                .contains("{\"path\":\"/meta/close\",\"data\":{\"reason\":\"expired\",\"reconnect\":true}}");
    }

    @Test
    void keepalivesGoToIdleStreamsOnly() {
        RecordingConnection s = conn("stream");
        tunnel.attach(s, null, true, null, null);
        int before = s.flushes.size();
        tunnel.keepalive(exec.now() + 1);
        assertThat(s.flushes).as("written just now: no keepalive").hasSize(before);
        exec.advance(10);
        tunnel.keepalive(exec.now());
        assertThat(s.flushes).hasSize(before + 1);
        assertThat(s.flushes.get(before)).contains("/meta/keepalive");
    }

    @Test
    void attachWithAnUnknownLastSaysGapAndWithTheAcknowledgedOneDoesNot() {
        tunnel.attach(conn("stream"), null, true, null, null);
        tunnel.deliver(d("1"));
        tunnel.flush();
        RecordingConnection back = conn("stream");
        tunnel.attach(back, "1", false, null, null);
        assertThat(back.text()).contains("\"resumed\":true}").doesNotContain("gap");
        assertThat(events).contains("replayHit");
        RecordingConnection lost = conn("stream");
        tunnel.attach(lost, "nope", false, null, null);
        assertThat(lost.text()).contains("\"gap\":true");
    }

    @Test
    void ackCursorResolvesLastAgainstTheBuffer() {
        ReplayBuffer replay = new ReplayBuffer(2, 1 << 20);
        AckCursor cursor = new AckCursor();
        assertThat(cursor.attach(null, replay)).isEqualTo(new AckCursor.Start(0, false));
        replay.append(d("a"));
        replay.append(d("b"));
        assertThat(cursor.attach("a", replay)).isEqualTo(new AckCursor.Start(1, false));
        assertThat(replay.firstSeq()).as("acknowledged datagrams are trimmed").isEqualTo(2);
        assertThat(cursor.attach("a", replay)).as("a repeated last is no gap").isEqualTo(new AckCursor.Start(1, false));
        assertThat(cursor.attach("zzz", replay)).as("an unknown last is a gap").isEqualTo(new AckCursor.Start(1, true));
        replay.append(d("c"));
        replay.append(d("d"));
        assertThat(cursor.attach(null, replay))
                .as("evicted past the cursor: gap")
                .isEqualTo(new AckCursor.Start(2, true));
    }

    /** Issue 11's done-when: the tunnel and its parts reach the node only through {@link TunnelContext}. */
    @Test
    void tunnelAndItsPartsHaveNoReferenceToNode() throws IOException {
        for (Class<?> type : List.of(
                Tunnel.class,
                Delivery.class,
                StreamDelivery.class,
                PollDelivery.class,
                AckCursor.class,
                InterestSet.class,
                TokenBucket.class,
                AckWindow.class,
                HeldDeliveries.class,
                TunnelContext.class)) {
            String constants;
            try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
                constants = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            }
            Matcher m = Pattern.compile("io/warren/engine/Node(?![A-Za-z0-9])").matcher(constants);
            assertThat(m.find()).as(type.getSimpleName() + " refers to Node").isFalse();
            assertThat(constants).as("the check would see a reference").contains("io/warren/");
        }
    }
}
