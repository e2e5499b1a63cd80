package io.warren.engine;

import io.warren.datagram.Ack;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.NullUnmarked;

/**
 * What one tunnel's client has sent recently: its events bucket (the per-tunnel rate limit) and its
 * idempotency window (the acks of its last datagrams by {@code ref}). {@link ClientDatagrams} makes the
 * decisions; this holds the per-tunnel state. Shard thread.
 */
@NullUnmarked // not yet annotated for NullAway (merged beside it); the follow-up is to annotate
final class ClientSends {
    private final TokenBucket events = new TokenBucket();
    private final AckWindow acks = new AckWindow();

    /** Takes one token ({@code rate} per second, {@code burst} at most); false when empty. */
    boolean takeToken(long now, int rate, int burst) {
        return events.take(now, rate, burst);
    }

    CompletionStage<Ack> rememberedAck(String ref) {
        return acks.remembered(ref);
    }

    void rememberAck(String ref, CompletionStage<Ack> ack, int window) {
        acks.remember(ref, ack, window);
    }

    /** Forgets {@code ref} if it still maps to {@code ack} (a failed publish may be retried). */
    void forgetAck(String ref, CompletionStage<Ack> ack) {
        acks.forget(ref, ack);
    }
}
