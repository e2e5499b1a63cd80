package io.warren.broker;

import io.warren.auth.Identity;
import io.warren.path.PathPattern;

import java.util.List;

/**
 * What a cluster remembers of one tunnel so that another node can take it over: its secret id, its
 * public client id, who opened it and the patterns it is interested in (its own client path excluded).
 * Immutable.
 */
public record TunnelRecord(String tunnelId, String clientId, Identity identity, List<PathPattern> interests) {
    public TunnelRecord {
        interests = List.copyOf(interests);
    }
}
