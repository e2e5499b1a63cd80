package io.warren.broker;

import io.warren.ErrorCode;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The publish ids of one node ({@link io.warren.spi.Broker#claimOnce} for {@link MemoryBroker}): key to
 * datagram id, each until its window ends. Bounded: at {@value #MAX} live records a claim is refused
 * ({@code overloaded}) after expired ones were dropped. Thread-safe.
 */
final class PublishIds {
    static final int MAX = 100_000;

    private record Claim(String datagramId, long untilNanos) {}

    private final ConcurrentHashMap<String, Claim> claims = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    PublishIds(LongSupplier clock) {
        this.clock = clock;
    }

    CompletionStage<@Nullable String> claim(String key, String datagramId, Duration window) {
        long now = clock.getAsLong();
        if (claims.size() >= MAX) {
            dropExpired(now);
            if (claims.size() >= MAX) {
                return CompletableFuture.failedFuture(ErrorCode.OVERLOADED.exception(
                        "too many publish ids in the window (" + MAX + "): retry later"));
            }
        }
        String[] earlier = new String[1];
        Claim mine = new Claim(datagramId, now + window.toNanos());
        claims.compute(key, (k, c) -> {
            if (c != null && c.untilNanos - now > 0) {
                earlier[0] = c.datagramId;
                return c;
            }
            return mine;
        });
        return CompletableFuture.completedFuture(earlier[0]);
    }

    CompletionStage<Void> forget(String key, String datagramId) {
        claims.computeIfPresent(key, (k, c) -> c.datagramId.equals(datagramId) ? null : c);
        return CompletableFuture.completedFuture(null);
    }

    private void dropExpired(long now) {
        for (Iterator<Map.Entry<String, Claim>> it = claims.entrySet().iterator(); it.hasNext(); ) {
            if (it.next().getValue().untilNanos - now <= 0) {
                it.remove();
            }
        }
    }
}
