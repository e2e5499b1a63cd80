package io.warren.api;

import io.warren.path.Path;
import io.warren.spi.Identity;

/**
 * What an embedding may know of a tunnel: its public names and who opened it, never its secret id nor
 * anything that changes it. Handed to {@link NodeListener}s; safe to read from any thread (every value
 * here is fixed when the tunnel is created).
 */
public interface TunnelView {
    /** The public client id: others may address this tunnel through {@link #clientPath()}. */
    String clientId();

    /** {@code /client/<client id>}: the path that reaches only this tunnel. */
    Path clientPath();

    /** Who opened the tunnel, as the authenticator answered. */
    Identity identity();

    /** The secret tunnel id shortened for logs: enough to correlate, too little to use. */
    String redactedId();
}
