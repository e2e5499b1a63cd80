package io.warren.spi;

import io.warren.path.PathPattern;
import java.util.List;

/**
 * What a cluster remembers of one tunnel so that another node can take it over: its secret id, its
 * public client id, who opened it, the patterns it is interested in (its own client path excluded), and
 * where the broker's log stood when it opened ({@link io.warren.spi.Broker#mark()}, opaque; null
 * without a log), so that a client that had received nothing yet still gets what it missed.
 * A registry keeps the identity's expiry and its {@link io.warren.spi.Permissions} as data: the node taking
 * the tunnel over enforces both (it closes the tunnel at expiry and refuses a record already expired).
 * Immutable.
 */
public record TunnelRecord(
        String tunnelId, String clientId, Identity identity, List<PathPattern> interests, String logMark) {
    public TunnelRecord {
        interests = List.copyOf(interests);
    }
}
