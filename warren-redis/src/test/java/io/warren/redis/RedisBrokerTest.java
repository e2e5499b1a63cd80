package io.warren.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.warren.broker.BrokerContract;
import io.warren.datagram.Datagram;
import io.warren.path.PathPattern;
import io.warren.spi.Broker;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Redis broker against the shared contract, plus what only a cluster has: several nodes, a Redis restart. */
class RedisBrokerTest extends BrokerContract {
    @RegisterExtension
    static final RedisPerClass redis = new RedisPerClass();

    private final String prefix = "test-" + UUID.randomUUID() + ":";

    @Override
    protected Broker createBroker(java.util.List<io.warren.spi.HistoryRule> history) {
        return RedisCluster.connect(
                        redis.uri(),
                        RedisCluster.Options.defaults().withPrefix(prefix).withHistory(history))
                .broker();
    }

    @Override
    protected boolean hasLog() {
        return true;
    }

    @Test
    void aDatagramReachesEveryInterestedNodeOnceAndOnlyThose() {
        Broker a = newBroker();
        Broker b = newBroker();
        Broker c = newBroker();
        Recorder ra = started(a);
        Recorder rb = started(b);
        Recorder rc = started(c);
        join(a.subscribe(PathPattern.parse("/n/x")));
        join(b.subscribe(PathPattern.parse("/n/*")));
        join(b.subscribe(PathPattern.parse("/n/**")));
        join(c.subscribe(PathPattern.parse("/other")));

        Datagram fromC = datagram("/n/x", "1", "someone");
        join(c.publish(fromC));
        Datagram deep = datagram("/n/x/y", "2", null); // /n/* does not match it, /n/** does; /n/x not
        join(a.publish(deep));
        Datagram end = datagram("/other", "3", null);
        join(a.publish(end));
        join(b.subscribe(PathPattern.parse("/other")));
        Datagram endB = datagram("/other", "4", null);
        join(a.publish(endB));
        join(a.subscribe(PathPattern.parse("/other")));
        Datagram endA = datagram("/other", "5", null);
        join(c.publish(endA));

        assertThat(ra.takeUntil(endA.id())).extracting(Datagram::id).containsExactly(fromC.id());
        assertThat(rb.takeUntil(endB.id())).extracting(Datagram::id).containsExactly(fromC.id(), deep.id());
        assertThat(rc.takeUntil(end.id())).isEmpty();
    }

    @Test
    void wildcardsAreFilteredLocallyBecauseRedisGlobsCrossSlashes() {
        Broker a = newBroker();
        Recorder r = started(a);
        join(a.subscribe(PathPattern.parse("/g/*")));
        join(a.subscribe(PathPattern.parse("/h", true)));
        join(a.subscribe(PathPattern.parse("/end")));
        for (String p : new String[] {"/g/a/b", "/g", "/hh", "/h2/x", "/client/abc"}) {
            join(a.publish(datagram(p, "0", null)));
        }
        Datagram g = datagram("/g/a", "1", null);
        Datagram h = datagram("/h", "2", null);
        Datagram hx = datagram("/h/x/y", "3", null);
        Datagram end = datagram("/end", "4", null);
        for (Datagram d : new Datagram[] {g, h, hx, end}) {
            join(a.publish(d));
        }
        assertThat(r.takeUntil(end.id())).extracting(Datagram::id).containsExactly(g.id(), h.id(), hx.id());
    }

    @Test
    void anUnsubscribedInterestStopsDeliveryButOverlappingOnesKeepIt() {
        Broker a = newBroker();
        Recorder r = started(a);
        join(a.subscribe(PathPattern.parse("/u/*")));
        join(a.subscribe(PathPattern.parse("/u/**")));
        join(a.subscribe(PathPattern.parse("/end")));
        join(a.unsubscribe(PathPattern.parse("/u/*"))); // same Redis glob as /u/**: must stay
        Datagram kept = datagram("/u/a", "1", null);
        join(a.publish(kept));
        assertSame(r.take(), kept);
        join(a.unsubscribe(PathPattern.parse("/u/**")));
        join(a.publish(datagram("/u/b", "2", null)));
        Datagram end = datagram("/end", "3", null);
        join(a.publish(end));
        assertThat(r.takeUntil(end.id()))
                .as("nothing after the last interest went")
                .isEmpty();
    }

    @Test
    void aMarkOnAnEmptyLogCoversEverythingPublishedSince() {
        Broker a = newBroker();
        Recorder r = started(a);
        String mark = join(a.mark());
        assertThat(mark).isEqualTo("0-0");
        join(a.subscribe(PathPattern.parse("/e")));
        Datagram d1 = datagram("/e", "1", null);
        Datagram d2 = datagram("/e", "2", null);
        join(a.publish(d1));
        join(a.publish(d2));
        r.take();
        r.take();
        Broker.Replay replay = join(a.replay(null, mark, java.util.List.of(PathPattern.parse("/e")), 10));
        assertThat(replay.complete()).isTrue();
        assertThat(replay.datagrams()).extracting(Datagram::id).containsExactly(d1.id(), d2.id());
        assertThat(RedisBroker.compareIds("10-2", "9-5")).isPositive();
        assertThat(RedisBroker.compareIds("10-2", "10-10")).isNegative();
        assertThat(RedisBroker.compareIds("0-0", "0-0")).isZero();
    }

    @Test
    void afterARedisRestartItResubscribesReportsAGapAndDeliversAgain() {
        try (RedisProcess own = RedisProcess.start()) {
            Broker a = RedisCluster.connect(own.uri(), RedisCluster.Options.defaults())
                    .broker();
            Broker b = RedisCluster.connect(own.uri(), RedisCluster.Options.defaults())
                    .broker();
            try {
                Recorder ra = started(a);
                started(b);
                join(a.subscribe(PathPattern.parse("/rs/*")));
                Datagram before = datagram("/rs/a", "1", null);
                join(b.publish(before));
                assertSame(ra.take(), before);

                own.restart();
                await().atMost(20, TimeUnit.SECONDS).until(() -> ra.gaps.get() > 0);
                Datagram after = await().atMost(20, TimeUnit.SECONDS)
                        .ignoreExceptions()
                        .until(
                                () -> {
                                    Datagram d = datagram("/rs/b", "2", null);
                                    join(b.publish(d)); // the publishing node's connection may still be reconnecting
                                    return d;
                                },
                                d -> true);
                assertSame(ra.take(), after);
                assertThat(ra.datagrams).isEmpty();

                // A burst right after another restart keeps its order (scripts are not cached by Redis then).
                own.restart();
                await().atMost(20, TimeUnit.SECONDS).until(() -> ra.gaps.get() > 1);
                await().atMost(20, TimeUnit.SECONDS).ignoreExceptions().until(() -> {
                    join(b.publish(datagram("/rs/warm", "0", null)));
                    return true;
                });
                ra.take();
                java.util.List<String> sent = new java.util.ArrayList<>();
                java.util.List<java.util.concurrent.CompletableFuture<Void>> acks = new java.util.ArrayList<>();
                own.restart();
                await().atMost(20, TimeUnit.SECONDS).until(() -> ra.gaps.get() > 2);
                await().atMost(20, TimeUnit.SECONDS).ignoreExceptions().until(() -> {
                    join(a.mark());
                    return true;
                }); // a's own command connection is back
                for (int i = 0; i < 50; i++) {
                    Datagram d = datagram("/rs/burst", Integer.toString(i), null);
                    sent.add(d.id());
                    acks.add(a.publish(d).toCompletableFuture());
                }
                join(java.util.concurrent.CompletableFuture.allOf(
                        acks.toArray(new java.util.concurrent.CompletableFuture<?>[0])));
                java.util.List<String> got = new java.util.ArrayList<>();
                while (got.size() < 50) {
                    got.add(ra.take().id());
                }
                assertThat(got).containsExactlyElementsOf(sent);
            } finally {
                a.close();
                b.close();
            }
        }
    }
}
