package io.warren.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.datagram.Datagram;
import io.warren.datagram.DatagramIds;
import io.warren.path.Path;
import io.warren.path.PathPattern;
import io.warren.spi.Broker;
import io.warren.spi.HistoryRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link Broker} contract as tests: every implementation extends this class (see the Javadoc of
 * {@link Broker}). Brokers are created through {@link #newBroker()}; the implementations' own test
 * classes add what only they can show (several nodes, a backend restart).
 */
public abstract class BrokerContract {
    protected static final Duration WAIT = Duration.ofSeconds(10);

    private final List<Broker> brokers = new ArrayList<>();
    protected final DatagramIds ids = new DatagramIds();

    /** Every broker of the contract keeps history for {@code /hist/**}: 3 datagrams per path, for an hour. */
    protected static final List<HistoryRule> HISTORY =
            List.of(new HistoryRule(PathPattern.parse("/hist/**"), 3, Duration.ofHours(1)));

    /**
     * A new broker with these history rules; in a clustered implementation each call is another node of
     * the same cluster.
     */
    protected abstract Broker createBroker(List<HistoryRule> history);

    /** Whether this implementation keeps a log that {@link Broker#replay} reads. */
    protected abstract boolean hasLog();

    protected final Broker newBroker() {
        Broker b = createBroker(HISTORY);
        brokers.add(b);
        return b;
    }

    @AfterEach
    void closeBrokers() {
        for (Broker b : brokers) {
            b.close();
        }
    }

    /** A listener that records what it is given. */
    public static final class Recorder implements Broker.Listener {
        public final BlockingQueue<Datagram> datagrams = new LinkedBlockingQueue<>();
        public final AtomicInteger gaps = new AtomicInteger();

        @Override
        public void onDatagram(Datagram datagram) {
            datagrams.add(datagram);
        }

        @Override
        public void onGap() {
            gaps.incrementAndGet();
        }

        public Datagram take() {
            try {
                Datagram d = datagrams.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(d).as("a datagram within %s", WAIT).isNotNull();
                return d;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        /** Takes datagrams until one with {@code id} came, returning those before it. */
        public List<Datagram> takeUntil(String id) {
            List<Datagram> before = new ArrayList<>();
            for (Datagram d = take(); !d.id().equals(id); d = take()) {
                before.add(d);
            }
            return before;
        }
    }

    protected static <T> T join(java.util.concurrent.CompletionStage<T> s) {
        try {
            return s.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    protected Datagram datagram(String path, String data, String from) {
        return new Datagram(ids.next(), Path.of(path), data, from);
    }

    protected static void assertSame(Datagram got, Datagram sent) {
        assertThat(got.id()).isEqualTo(sent.id());
        assertThat(got.path()).isEqualTo(sent.path());
        assertThat(got.dataText()).isEqualTo(sent.dataText());
        assertThat(got.from()).isEqualTo(sent.from());
    }

    protected Recorder started(Broker b) {
        Recorder r = new Recorder();
        join(b.start(r));
        return r;
    }

    @Test
    void anInterestIsActiveWhenItsSubscribeCompletes() {
        Broker b = newBroker();
        Recorder r = started(b);
        join(b.subscribe(PathPattern.parse("/contract/a")));
        Datagram d = datagram("/contract/a", "{\"n\":1}", null);
        join(b.publish(d));
        assertSame(r.take(), d);
    }

    @Test
    void dataFromAndPathSurviveTheTrip() {
        Broker b = newBroker();
        Recorder r = started(b);
        join(b.subscribe(PathPattern.parse("/contract/**")));
        List<Datagram> sent = List.of(
                datagram("/contract/x/y", "\"line\\nbreak \\u2028 é 😀 </script>\"", "client1"),
                datagram("/contract/x", "{\"a\":[1,2,{\"b\":null}],\"c\":\"\\n\"}", null),
                datagram("/contract/x", "null", "c"),
                datagram("/contract/z", "12.5e3", null),
                datagram("/contract/z", "{\n  \"pretty\": [1,\n 2]\n}", "from\u00e9"));
        for (Datagram d : sent) {
            join(b.publish(d));
        }
        for (Datagram d : sent) {
            assertSame(r.take(), d);
        }
    }

    @Test
    void overlappingInterestsDeliverEachDatagramOncePerNode() {
        Broker b = newBroker();
        Recorder r = started(b);
        join(b.subscribe(PathPattern.parse("/o/a/b")));
        join(b.subscribe(PathPattern.parse("/o/a/*")));
        join(b.subscribe(PathPattern.parse("/o/**")));
        join(b.subscribe(PathPattern.parse("/o", true)));
        List<Datagram> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Datagram d = datagram("/o/a/b", Integer.toString(i), null);
            sent.add(d);
            join(b.publish(d));
        }
        Datagram end = datagram("/o/end", "0", null);
        join(b.publish(end));
        List<Datagram> got = r.takeUntil(end.id());
        assertThat(got).hasSize(sent.size());
        for (int i = 0; i < sent.size(); i++) {
            assertSame(got.get(i), sent.get(i));
        }
    }

    @Test
    void datagramsOfOnePathArriveInPublishOrder() {
        Broker b = newBroker();
        Recorder r = started(b);
        join(b.subscribe(PathPattern.parse("/ord/*")));
        List<CompletableFuture<Void>> published = new ArrayList<>();
        List<String> x = new ArrayList<>();
        List<String> y = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            Datagram d = datagram(i % 3 == 0 ? "/ord/y" : "/ord/x", Integer.toString(i), null);
            (i % 3 == 0 ? y : x).add(d.id());
            published.add(b.publish(d).toCompletableFuture());
        }
        join(CompletableFuture.allOf(published.toArray(new CompletableFuture<?>[0])));
        List<String> gotX = new ArrayList<>();
        List<String> gotY = new ArrayList<>();
        while (gotX.size() + gotY.size() < 300) {
            Datagram d = r.take();
            (d.path().toString().equals("/ord/x") ? gotX : gotY).add(d.id());
        }
        assertThat(gotX).containsExactlyElementsOf(x);
        assertThat(gotY).containsExactlyElementsOf(y);
    }

    @Test
    void historyServesTheRecentDatagramsOfAPathOrWhatCameAfterAnId() {
        Broker b = newBroker();
        Recorder r = started(b);
        join(b.subscribe(PathPattern.parse("/**")));
        List<Datagram> a = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Datagram d = datagram("/hist/a", Integer.toString(i), i % 2 == 0 ? null : "c" + i);
            a.add(d);
            join(b.publish(d));
        }
        Datagram other = datagram("/hist/b", "9", null);
        join(b.publish(other));
        join(b.publish(datagram("/nohist", "9", null)));
        for (int i = 0; i < 7; i++) {
            r.take();
        }
        Path path = Path.of("/hist/a");
        Broker.Replay recent2 = join(b.history(path, null, 2));
        assertThat(recent2.complete()).isTrue();
        assertThat(recent2.datagrams())
                .extracting(Datagram::id)
                .containsExactly(a.get(3).id(), a.get(4).id());
        assertSame(recent2.datagrams().get(1), a.get(4));
        Broker.Replay recentMany = join(b.history(path, null, 100));
        assertThat(recentMany.datagrams())
                .as("bounded by the rule's size")
                .extracting(Datagram::id)
                .containsExactly(a.get(2).id(), a.get(3).id(), a.get(4).id());
        Broker.Replay since = join(b.history(path, a.get(2).id(), Integer.MAX_VALUE));
        assertThat(since.complete()).isTrue();
        assertThat(since.datagrams())
                .extracting(Datagram::id)
                .containsExactly(a.get(3).id(), a.get(4).id());
        Broker.Replay tooOld = join(b.history(path, a.get(0).id(), Integer.MAX_VALUE));
        assertThat(tooOld.complete()).as("history no longer reaches back to it").isFalse();
        assertThat(tooOld.datagrams())
                .extracting(Datagram::id)
                .containsExactly(a.get(2).id(), a.get(3).id(), a.get(4).id());
        assertThat(join(b.history(Path.of("/hist/b"), null, 5)).datagrams())
                .extracting(Datagram::id)
                .containsExactly(other.id());
        assertThat(join(b.history(Path.of("/nohist"), null, 5))).isEqualTo(Broker.Replay.NONE);
        assertThat(join(b.history(Path.of("/hist/never"), null, 5)).datagrams()).isEmpty();
    }

    @Test
    void replayFromAMarkAnswersEverythingPublishedSinceTheMark() {
        Broker b = newBroker();
        Recorder r = started(b);
        join(b.subscribe(PathPattern.parse("/mk/*")));
        Datagram before = datagram("/mk/a", "0", null);
        join(b.publish(before));
        r.take();
        String mark = join(b.mark());
        List<Datagram> since = new ArrayList<>();
        for (int i = 1; i < 4; i++) {
            Datagram d = datagram("/mk/a", Integer.toString(i), null);
            since.add(d);
            join(b.publish(d));
            join(b.publish(datagram("/mk/b", Integer.toString(i), null)));
        }
        Broker.Replay replay = join(b.replay(null, mark, List.of(PathPattern.parse("/mk/a")), 100));
        if (hasLog()) {
            assertThat(mark).isNotNull();
            assertThat(replay.complete()).isTrue();
            assertThat(replay.datagrams())
                    .extracting(Datagram::id)
                    .containsExactlyElementsOf(since.stream().map(Datagram::id).toList());
        } else {
            assertThat(mark).isNull();
            assertThat(replay).isEqualTo(Broker.Replay.NONE);
        }
    }

    @Test
    void replayAnswersWhatCameAfterAnIdOrSaysItCannot() {
        Broker b = newBroker();
        Recorder r = started(b);
        join(b.subscribe(PathPattern.parse("/rp/**")));
        List<Datagram> a = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Datagram d = datagram("/rp/a", Integer.toString(i), null);
            a.add(d);
            join(b.publish(d));
            join(b.publish(datagram("/rp/b", Integer.toString(i), null)));
        }
        for (int i = 0; i < 12; i++) {
            r.take();
        }
        Broker.Replay after2 = join(b.replay(a.get(2).id(), null, List.of(PathPattern.parse("/rp/a")), 100));
        Broker.Replay unknown = join(b.replay(ids.next(), null, List.of(PathPattern.parse("/rp/a")), 100));
        Broker.Replay capped = join(b.replay(a.get(0).id(), null, List.of(PathPattern.parse("/rp/a")), 2));
        if (hasLog()) {
            assertThat(after2.complete()).isTrue();
            assertThat(after2.datagrams())
                    .extracting(Datagram::id)
                    .containsExactly(a.get(3).id(), a.get(4).id(), a.get(5).id());
            assertSame(after2.datagrams().get(0), a.get(3));
            assertThat(unknown.complete())
                    .as("an id not in the log cannot vouch for anything")
                    .isFalse();
            assertThat(capped.complete()).isFalse();
            assertThat(capped.datagrams())
                    .extracting(Datagram::id)
                    .containsExactly(a.get(4).id(), a.get(5).id());
        } else {
            assertThat(after2).isEqualTo(Broker.Replay.NONE);
            assertThat(unknown).isEqualTo(Broker.Replay.NONE);
            assertThat(capped).isEqualTo(Broker.Replay.NONE);
        }
    }

    private static String claim(Broker b, String key, String id, Duration window) {
        return b.claimOnce(key, id, window)
                .toCompletableFuture()
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
    }

    /** Publish ids: the first claim of a key wins for its window, a retry learns the first datagram id. */
    @Test
    void aPublishIdIsClaimedOnceWithinItsWindowAndCanBeForgotten() {
        Broker b = newBroker();
        started(b);
        String key = "contract-" + ids.next();
        assertThat(claim(b, key, "d1", Duration.ofMinutes(1)))
                .as("first: publish it")
                .isNull();
        assertThat(claim(b, key, "d2", Duration.ofMinutes(1)))
                .as("a retry: the first id")
                .isEqualTo("d1");
        assertThat(claim(b, key + "-other", "d3", Duration.ofMinutes(1))).isNull();
        b.forgetClaim(key, "d2").toCompletableFuture().join();
        assertThat(claim(b, key, "d4", Duration.ofMinutes(1)))
                .as("only its own claim is forgotten")
                .isEqualTo("d1");
        b.forgetClaim(key, "d1").toCompletableFuture().join();
        assertThat(claim(b, key, "d5", Duration.ofMinutes(1)))
                .as("forgotten: may publish again")
                .isNull();

        String brief = "contract-brief-" + ids.next();
        assertThat(claim(b, brief, "e1", Duration.ofMillis(200))).isNull();
        org.awaitility.Awaitility.await()
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> claim(b, brief, "e2", Duration.ofMinutes(1)) == null);
        if (hasLog()) {
            // A clustered broker: another node sees the same claims.
            Broker other = newBroker();
            started(other);
            assertThat(claim(other, key, "d6", Duration.ofMinutes(1))).isEqualTo("d5");
        }
    }
}
