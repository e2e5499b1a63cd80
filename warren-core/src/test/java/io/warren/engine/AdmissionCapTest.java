package io.warren.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warren.Limits;
import io.warren.WarrenException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Issue 10, finding 5: the caps of {@link Admission} hold exactly under concurrent opens, and refusals change nothing. */
class AdmissionCapTest {

    @Test
    void finding5_concurrentOpensNeverOvershootEitherCap() throws Exception {
        Admission admission =
                new Admission(Limits.defaults().withMaxTunnelsPerAddress(30).withMaxTunnels(100));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int thread = 0; thread < 4; thread++) {
            String address = "10.0.0." + thread;
            results.add(pool.submit(() -> {
                go.await();
                int admitted = 0;
                for (int i = 0; i < 1000; i++) {
                    try {
                        admission.reserve(address);
                        admitted++;
                    } catch (WarrenException refused) {
                        assertThat(refused.code().wireName()).isIn("too-many", "overloaded");
                    }
                }
                return admitted;
            }));
        }
        go.countDown();
        int total = 0;
        for (Future<Integer> f : results) {
            int admitted = f.get(30, TimeUnit.SECONDS);
            assertThat(admitted).isLessThanOrEqualTo(30);
            total += admitted;
        }
        pool.shutdown();
        // 4 addresses × 30 would be 120: the global cap stops them at exactly 100.
        assertThat(total).isEqualTo(100);
        assertThat(admission.count()).isEqualTo(100);
    }

    @Test
    void finding5_theGlobalCapRefusesWithOverloadedAndGivesPlacesBack() {
        Admission admission =
                new Admission(Limits.defaults().withMaxTunnelsPerAddress(0).withMaxTunnels(2));
        admission.reserve("a");
        admission.reserve("b");
        assertThatThrownBy(() -> admission.reserve("c"))
                .isInstanceOf(WarrenException.class)
                .hasMessageContaining("maximum of 2 tunnels");
        assertThat(admission.count()).isEqualTo(2);
        admission.release("a");
        admission.reserve("c");
        assertThat(admission.count()).isEqualTo(2);
    }

    @Test
    void finding5_aRefusalByTheGlobalCapDoesNotUseUpThePerAddressAllowance() {
        Admission admission =
                new Admission(Limits.defaults().withMaxTunnelsPerAddress(1).withMaxTunnels(1));
        admission.reserve("a");
        assertThatThrownBy(() -> admission.reserve("b")).hasMessageContaining("maximum of 1 tunnels");
        admission.release("a");
        admission.reserve("b"); // b's refused attempt left nothing behind
        assertThat(admission.count()).isEqualTo(1);
    }
}
