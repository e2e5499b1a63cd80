package io.warren.api;

import io.warren.datagram.Ack;
import java.util.concurrent.CompletionStage;

/**
 * Publishing from code: what an embedding application calls to send a datagram to every tunnel interested
 * in its path, on this node and, when clustered, on the others.
 *
 * <p>Threads: any. The stage completes once the datagram is routed (or refused); it never blocks the caller.
 * Delivery: the ack is {@code ok} with the datagram's id when every shard accepted it; {@code overloaded}
 * when a bounded queue refused it (tunnels that may have missed it are told of a gap, never silently left
 * without it); an error for a bad path or data. Publishing from code is trusted: it may reach
 * {@code /meta/...} and {@code /client/...} paths that clients cannot.
 */
public interface Publisher {
    /** Publishes {@code dataJson} (any JSON value, validated here) to {@code path}; the id is assigned here. */
    CompletionStage<Ack> publish(String path, String dataJson);
}
