package io.warren.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.datagram.Ack;
import io.warren.datagram.Datagram;
import io.warren.path.Path;
import io.warren.path.PathPattern;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The small value types a tunnel delegates to, each on its own; time is passed in (a manual clock). */
class TunnelPartsTest {
    private static final long SECOND = 1_000_000_000L;

    private static Datagram d(String id) {
        return new Datagram(id, Path.of("/a"), "null", null);
    }

    private static List<String> ids(List<Datagram> ds) {
        return ds.stream().map(Datagram::id).toList();
    }

    @Nested
    class Interests {
        private final InterestSet set = new InterestSet();
        private final PathPattern a = PathPattern.parse("/a", false);
        private final PathPattern b = PathPattern.parse("/b", true);
        private final PathPattern c = PathPattern.parse("/c", false);

        @Test
        void addIsIdempotentAndKeepsInsertionOrder() {
            assertThat(set.snapshot()).isEmpty();
            assertThat(set.add(b)).isTrue();
            assertThat(set.add(a)).isTrue();
            assertThat(set.add(c)).isTrue();
            assertThat(set.add(a)).isFalse();
            assertThat(set.size()).isEqualTo(3);
            assertThat(set.snapshot()).containsExactly(b, a, c);
        }

        @Test
        void removeKeepsOrderAndUnknownIsNoChange() {
            set.add(a);
            set.add(b);
            set.add(c);
            assertThat(set.remove(PathPattern.parse("/zzz", false))).isFalse();
            assertThat(set.remove(b)).isTrue();
            assertThat(set.remove(b)).isFalse();
            assertThat(set.contains(b)).isFalse();
            assertThat(set.snapshot()).containsExactly(a, c);
            assertThat(set.size()).isEqualTo(2);
        }

        @Test
        void snapshotIsACopy() {
            set.add(a);
            Set<PathPattern> snap = set.snapshot();
            set.add(b);
            assertThat(snap).containsExactly(a);
        }
    }

    @Nested
    class Tokens {
        private final TokenBucket bucket = new TokenBucket();

        @Test
        void startsFullThenRefillsAtTheRateUpToTheBurst() {
            long now = 5 * SECOND;
            for (int i = 0; i < 3; i++) {
                assertThat(bucket.take(now, 2, 3)).isTrue();
            }
            assertThat(bucket.take(now, 2, 3)).as("empty after the burst").isFalse();
            now += SECOND / 4;
            assertThat(bucket.take(now, 2, 3)).as("half a token is not a token").isFalse();
            now += SECOND / 4;
            assertThat(bucket.take(now, 2, 3))
                    .as("a token after half a second at 2/s")
                    .isTrue();
            now += 100 * SECOND;
            for (int i = 0; i < 3; i++) {
                assertThat(bucket.take(now, 2, 3)).isTrue();
            }
            assertThat(bucket.take(now, 2, 3))
                    .as("a long idle time refills no more than the burst")
                    .isFalse();
        }

        @Test
        void noRateNeverLimits() {
            for (int i = 0; i < 1000; i++) {
                assertThat(bucket.take(0, 0, 1)).isTrue();
            }
        }
    }

    @Nested
    class Acks {
        private final AckWindow window = new AckWindow();
        private final CompletionStage<Ack> one = CompletableFuture.completedFuture(Ack.ok("1", "r1"));
        private final CompletionStage<Ack> two = CompletableFuture.completedFuture(Ack.ok("2", "r2"));
        private final CompletionStage<Ack> three = CompletableFuture.completedFuture(Ack.ok("3", "r3"));

        @Test
        void remembersUpToTheWindowForgettingTheEldest() {
            window.remember("r1", one, 2);
            window.remember("r2", two, 2);
            window.remember("r3", three, 2);
            assertThat(window.remembered("r1")).isNull();
            assertThat(window.remembered("r2")).isSameAs(two);
            assertThat(window.remembered("r3")).isSameAs(three);
        }

        @Test
        void forgetsOnlyTheSameAckAndNothingWithoutAWindow() {
            window.remember("r1", one, 4);
            window.forget("r1", two);
            assertThat(window.remembered("r1"))
                    .as("a newer ack for the ref stays")
                    .isSameAs(one);
            window.forget("r1", one);
            assertThat(window.remembered("r1")).isNull();
            window.remember("r2", two, 0);
            assertThat(window.remembered("r2")).isNull();
            window.remember("r3", three, 4);
            window.clear();
            assertThat(window.remembered("r3")).isNull();
        }
    }

    @Nested
    class Held {
        private final HeldDeliveries held = new HeldDeliveries();

        @Test
        void historyFirstThenHeldWithoutDuplicates() {
            assertThat(held.holding()).isFalse();
            held.hold();
            assertThat(held.holding()).isTrue();
            held.add(d("3"), 10);
            held.add(d("4"), 10);
            Set<String> have = new HashSet<>(Set.of("1"));
            List<Datagram> next = held.release(List.of(d("1"), d("2"), d("3")), have);
            assertThat(ids(next)).containsExactly("2", "3", "4");
            assertThat(held.holding()).isFalse();
            assertThat(held.takeOverflow()).isFalse();
        }

        @Test
        void boundedOverflowDropsTheOldestAndIsReportedOnce() {
            held.hold();
            for (int i = 1; i <= 5; i++) {
                held.add(d("" + i), 3);
            }
            assertThat(ids(held.release(List.of(), new HashSet<>()))).containsExactly("3", "4", "5");
            assertThat(held.takeOverflow()).isTrue();
            assertThat(held.takeOverflow()).isFalse();
        }

        @Test
        void whileAnotherRequestIsInFlightEverythingStaysHeld() {
            held.hold();
            held.hold();
            held.add(d("9"), 10);
            assertThat(held.release(List.of(d("1")), new HashSet<>())).isNull();
            assertThat(held.holding()).isTrue();
            held.add(d("10"), 10);
            assertThat(ids(held.release(List.of(d("2"), d("1")), new HashSet<>())))
                    .containsExactly("2", "1", "9", "10");
        }
    }
}
