package io.warren.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.datagram.Datagram;
import io.warren.path.Path;
import org.junit.jupiter.api.Test;

class ReplayBufferTest {
    private static Datagram d(int i) {
        return new Datagram("id-" + i, Path.of("/p"), "\"" + "x".repeat(10) + "\"", null);
    }

    @Test
    void boundedByCountKeepingTheNewest() {
        ReplayBuffer b = new ReplayBuffer(3, 1 << 20);
        assertThat(b.capacity()).isZero();
        for (int i = 1; i <= 5; i++) {
            assertThat(b.append(d(i))).isEqualTo(i);
        }
        assertThat(b.size()).isEqualTo(3);
        assertThat(b.firstSeq()).isEqualTo(3);
        assertThat(b.get(3).id()).isEqualTo("id-3");
        assertThat(b.get(5).id()).isEqualTo("id-5");
        assertThat(b.seqOf("id-4")).isEqualTo(4);
        assertThat(b.seqOf("id-1")).isEqualTo(-1);
    }

    @Test
    void boundedByBytes() {
        int w = d(1).weight();
        ReplayBuffer b = new ReplayBuffer(100, 2L * w + w / 2);
        for (int i = 1; i <= 4; i++) {
            b.append(d(i));
        }
        assertThat(b.size()).isEqualTo(2);
        assertThat(b.bytes()).isEqualTo(2L * w);
        assertThat(b.firstSeq()).isEqualTo(3);
    }

    @Test
    void trimmingToEmptyReleasesTheArray() {
        ReplayBuffer b = new ReplayBuffer(8, 1 << 20);
        for (int i = 1; i <= 6; i++) {
            b.append(d(i));
        }
        b.trimThrough(4);
        assertThat(b.firstSeq()).isEqualTo(5);
        assertThat(b.size()).isEqualTo(2);
        b.trimThrough(6);
        assertThat(b.size()).isZero();
        assertThat(b.capacity()).isZero();
        assertThat(b.nextSeq()).isEqualTo(7);
        assertThat(b.append(d(7))).isEqualTo(7);
        assertThat(b.get(7).id()).isEqualTo("id-7");
    }

    @Test
    void wrapsAroundTheRing() {
        ReplayBuffer b = new ReplayBuffer(4, 1 << 20);
        for (int i = 1; i <= 50; i++) {
            b.append(d(i));
            assertThat(b.get(b.nextSeq() - 1).id()).isEqualTo("id-" + i);
            assertThat(b.get(b.firstSeq()).id()).isEqualTo("id-" + Math.max(1, i - 3));
        }
    }
}
