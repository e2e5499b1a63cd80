package io.warren.engine;

import io.warren.ErrorCode;
import io.warren.Limits;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The one place that decides whether a node may hold one more tunnel: at most
 * {@link Limits#maxTunnelsPerAddress()} from one client address ({@code too-many}, 429) and at most
 * {@link Limits#maxTunnels()} in all ({@code overloaded}, 503); 0 turns a cap off.
 *
 * <p>Every way a tunnel comes to exist on a node (a plain open, the replacement of an unknown or culled
 * tunnel id, the takeover of a tunnel from another node) reserves a place here before anything is created,
 * and the tunnel gives it back exactly once when it is removed (or the open fails). Refusals change
 * nothing. Thread-safe; reservations are atomic, so concurrent opens cannot overshoot a cap.
 */
final class Admission {
    private final Limits limits;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    Admission(Limits limits) {
        this.limits = limits;
    }

    /**
     * Reserves a place for one tunnel from {@code address} ({@code null}: counted in the total only, for
     * opens the node was asked to trust). Throws {@code too-many} or {@code overloaded} and reserves nothing.
     */
    void reserve(@Nullable String address) {
        if (!reserveAddress(address)) {
            throw ErrorCode.TOO_MANY.exception(
                    "at most " + limits.maxTunnelsPerAddress() + " tunnels per client address");
        }
        int max = limits.maxTunnels();
        if (total.incrementAndGet() > max && max > 0) {
            total.decrementAndGet();
            releaseAddress(address);
            throw ErrorCode.OVERLOADED.exception(
                    "this server holds its maximum of " + max + " tunnels; try again later");
        }
    }

    /** Gives back what {@link #reserve} took for {@code address}. */
    void release(@Nullable String address) {
        total.decrementAndGet();
        releaseAddress(address);
    }

    /** Tunnels reserved now. */
    int count() {
        return total.get();
    }

    private boolean reserveAddress(@Nullable String address) {
        int max = limits.maxTunnelsPerAddress();
        if (max <= 0 || address == null) {
            return true;
        }
        boolean[] ok = {false};
        perAddress.compute(address, (k, n) -> {
            if (n == null) {
                n = new AtomicInteger();
            }
            if (n.get() < max) {
                n.incrementAndGet();
                ok[0] = true;
            }
            return n.get() == 0 ? null : n;
        });
        return ok[0];
    }

    private void releaseAddress(@Nullable String address) {
        if (limits.maxTunnelsPerAddress() <= 0 || address == null) {
            return;
        }
        perAddress.computeIfPresent(address, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }
}
