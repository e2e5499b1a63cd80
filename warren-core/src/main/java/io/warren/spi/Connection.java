package io.warren.spi;

import io.warren.format.Format;

/**
 * One HTTP response (or WebSocket) attached to a tunnel, implemented by the server.
 *
 * <p>The engine calls these methods only on the tunnel's shard thread, in this order: {@link #open}
 * once, then any number of {@link #write}s each batch followed by one {@link #flush}, and finally
 * {@link #end} once. The bytes are the format's rendered header, envelopes, separators, keepalives and
 * footer; they are shared with other tunnels and must not be modified. An implementation may be
 * written from a thread other than its socket's and must hand over safely.
 */
public interface Connection {

    Format format();

    /** The connection's validated {@code callback}, or {@code null}. */
    String callback();

    /** Starts the response with the format's header. */
    void open(byte[] header);

    /** Queues bytes to send; nothing reaches the socket before {@link #flush()}. */
    void write(byte[] bytes);

    /** Sends what was written since the last flush. */
    void flush();

    /** Whether the socket can take more now; when it cannot, the engine waits for {@code Node.writable}. */
    boolean isWritable();

    /** Whether the socket is still open (the client may have gone while authentication ran). */
    boolean isActive();

    /**
     * Ends the response with {@code footer} (after everything written) and, in stream mode, closes the
     * socket. {@code reason} says why, for logs and transports with close codes: {@code poll} (a poll
     * answered), {@code superseded}, {@code slow}, {@code culled}, {@code shutdown}.
     */
    void end(byte[] footer, String reason);
}
