package io.warren.datagram;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.warren.path.Path;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One message: {@code {"id":ID,"path":PATH,"data":DATA,"from":CLIENT}}. Immutable and shared by every
 * tunnel it reaches. {@code DATA} is held as the bytes the publisher sent (validated once by
 * {@link JsonData}) and copied into the JSON as they are: Warren never re-encodes it.
 *
 * <p>Encode once: the JSON bytes are produced at most once per datagram ({@link #json()}), and each
 * format's envelope at most once per datagram and format ({@link #rendered(int)} /
 * {@link #cacheRendered(int, byte[])}); every tunnel writes those same bytes. Control datagrams (paths
 * under {@code /meta/}) carry no id.
 *
 * <p>Thread-safe: caches are filled lazily with atomic publication.
 */
public final class Datagram {
    private static final int RENDER_SLOTS = 16;

    private final String id;
    private final Path path;
    private final byte[] data;
    private final String from;
    private final long createdNanos;
    private volatile byte[] json;
    private volatile AtomicReferenceArray<byte[]> rendered;

    /**
     * @param id   the unique id, or {@code null} for a control datagram
     * @param path where it goes
     * @param data the data as valid JSON in UTF-8, one line ({@link JsonData}; {@code null} when absent);
     *     never modified afterwards, by the caller or anyone
     * @param from the sender's public client id, or {@code null} for backend datagrams
     */
    public Datagram(String id, Path path, byte[] data, String from) {
        this.id = id;
        this.path = path;
        this.data = data == null ? JsonData.NULL : data;
        this.from = from;
        this.createdNanos = System.nanoTime();
    }

    /** As the main constructor, from JSON text the caller knows is valid and on one line. */
    public Datagram(String id, Path path, String data, String from) {
        this(id, path, data == null ? null : data.getBytes(StandardCharsets.UTF_8), from);
    }

    /** A control datagram (no id, no sender) with data Warren built. */
    public static Datagram control(String path, String dataJson) {
        return new Datagram(null, Path.of(path), dataJson, null);
    }

    public String id() {
        return id;
    }

    public Path path() {
        return path;
    }

    /** The data's bytes as sent (valid JSON, UTF-8). Shared: never write into them. */
    public byte[] data() {
        return data;
    }

    /** The data as JSON text. */
    public String dataText() {
        return new String(data, StandardCharsets.UTF_8);
    }

    public String from() {
        return from;
    }

    public boolean isControl() {
        return id == null;
    }

    /** {@link System#nanoTime()} when the datagram was made; for publish-to-write latency. */
    public long createdNanos() {
        return createdNanos;
    }

    /** The datagram's JSON as UTF-8, computed once: the data's bytes copied in as they are. */
    public byte[] json() {
        byte[] j = json;
        if (j == null) {
            json = j = encode();
        }
        return j;
    }

    private byte[] encode() {
        StringBuilder sb = new StringBuilder(48);
        sb.append('{');
        if (id != null) {
            quote(sb.append("\"id\":"), id).append(',');
        }
        quote(sb.append("\"path\":"), path.toString()).append(",\"data\":");
        byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
        sb.setLength(0);
        if (from != null) {
            quote(sb.append(",\"from\":"), from);
        }
        byte[] tail = sb.append('}').toString().getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + data.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(data, 0, out, head.length, data.length);
        System.arraycopy(tail, 0, out, head.length + data.length, tail.length);
        return out;
    }

    /** Appends {@code s} as a JSON string literal. */
    public static StringBuilder quote(StringBuilder sb, String s) {
        sb.append('"');
        JsonStringEncoder.getInstance().quoteAsString(s, sb);
        return sb.append('"');
    }

    /** The envelope rendered for format slot {@code slot}, or {@code null} when not yet rendered. */
    public byte[] rendered(int slot) {
        AtomicReferenceArray<byte[]> r = rendered;
        return r == null || slot >= RENDER_SLOTS ? null : r.get(slot);
    }

    /** Caches an envelope for format slot {@code slot}; the first one cached wins and is returned. */
    public byte[] cacheRendered(int slot, byte[] bytes) {
        if (slot >= RENDER_SLOTS) {
            return bytes;
        }
        AtomicReferenceArray<byte[]> r = rendered;
        if (r == null) {
            synchronized (this) {
                r = rendered;
                if (r == null) {
                    rendered = r = new AtomicReferenceArray<>(RENDER_SLOTS);
                }
            }
        }
        return r.compareAndSet(slot, null, bytes) ? bytes : r.get(slot);
    }

    /** An estimate of the memory the datagram holds, for byte-bounded buffers. */
    public int weight() {
        return 64 + 2 * data.length + path.toString().length() * 2; // the data, and its copy in json()
    }

    @Override
    public String toString() {
        return new String(json(), StandardCharsets.UTF_8);
    }
}
