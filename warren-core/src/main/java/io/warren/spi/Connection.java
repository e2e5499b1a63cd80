package io.warren.spi;

import io.warren.format.Format;

/**
 * One HTTP response (or WebSocket) attached to a tunnel: the engine's only way to send bytes to a client.
 * The server implements it; every implementation runs {@code ConnectionContract} (warren-core's test jar).
 *
 * <p><b>Threading.</b> The engine calls every method on the tunnel's shard thread only, never two at once.
 * That thread need not be the socket's own (a re-attach may arrive on another event loop): an
 * implementation hands its writes to the socket's thread in call order, and its answers to {@link
 * #isActive} and {@link #isWritable} may be a moment stale.
 *
 * <p><b>Order.</b> {@link #open} once, first; then any number of {@link #write}s, each batch followed by one
 * {@link #flush}; finally {@link #end} once. The client receives the header, then every written byte in
 * call order, then the footer: nothing is reordered, dropped or sent twice.
 *
 * <p><b>After the end.</b> {@link #end} is idempotent (a second call sends nothing), and {@link #write},
 * {@link #flush} and {@link #end} after the end are ignored: the engine may lose a race with a closing
 * socket, and the client must never see bytes after its footer.
 *
 * <p><b>Bytes.</b> The arrays passed in belong to the engine, which renders each datagram once per format
 * and passes the same array to every tunnel using that format. An implementation must not modify them; it
 * may keep a reference until the bytes are sent, since the engine never changes an array it has handed
 * over. Nothing is to be released.
 */
public interface Connection {

    /** The format this connection speaks; fixed for its life. */
    Format format();

    /** The connection's validated {@code callback}, or {@code null}. */
    String callback();

    /**
     * Starts the response with the format's header (possibly empty). A stream response sends its status and
     * headers now and the header bytes with the first flush; a poll response sends everything at {@link
     * #end}.
     */
    void open(byte[] header);

    /** Queues bytes to send; nothing reaches the socket before {@link #flush()} (or {@link #end}). */
    void write(byte[] bytes);

    /**
     * Sends what was written since the last flush, as one unit where the transport has them (one HTTP chunk;
     * the WebSocket messages of one flush). A poll response keeps collecting until {@link #end}.
     */
    void flush();

    /**
     * Whether the socket can take more now without growing its outbound buffer past its high-water mark;
     * when it cannot, the engine stops writing until the server calls {@code Node.writable}.
     */
    boolean isWritable();

    /** Whether the socket is still open (false once the client has gone, for instance while authentication ran). */
    boolean isActive();

    /**
     * Ends the response with {@code footer} (after everything written, flushed or not) and, in stream mode,
     * closes the socket once it is sent; a poll response over a keep-alive connection leaves the socket open
     * for the next poll. {@code reason} says why, for logs and transports with close codes: {@code poll} (a
     * poll answered), {@code superseded}, {@code slow}, {@code culled}, {@code shutdown}. Idempotent.
     */
    void end(byte[] footer, String reason);
}
