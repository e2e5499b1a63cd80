package io.warren.datagram;

import io.warren.WarrenException;

/**
 * One datagram as a client or backend sent it, before validation of its path: {@code tunnel},
 * {@code path}, {@code data} (compact JSON text, or {@code null}), the client-chosen {@code ref} (sent as
 * {@code id}), or the {@code error} that made the entry unusable. Immutable.
 */
public record ClientDatagram(String tunnel, String path, String data, String ref, WarrenException error) {

    public static ClientDatagram invalid(WarrenException error, String ref) {
        return new ClientDatagram(null, null, null, ref, error);
    }

    /** An unusable entry that still names its tunnel, so the request can be routed and the others proceed. */
    public static ClientDatagram invalid(WarrenException error, String ref, String tunnel) {
        return new ClientDatagram(tunnel, null, null, ref, error);
    }
}
