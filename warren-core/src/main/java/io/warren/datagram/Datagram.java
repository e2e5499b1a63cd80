package io.warren.datagram;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.warren.path.Path;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One message: {@code {"id":ID,"path":PATH,"data":DATA,"from":CLIENT}}. Immutable and shared by every
 * tunnel it reaches.
 *
 * <p>Encode once: the JSON text is produced at most once per datagram ({@link #json()}), and each
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
    private final String data;
    private final String from;
    private final long createdNanos;
    private volatile byte[] json;
    private volatile AtomicReferenceArray<byte[]> rendered;

    /**
     * @param id   the unique id, or {@code null} for a control datagram
     * @param path where it goes
     * @param data the data as compact, valid JSON text ({@code "null"} when absent)
     * @param from the sender's public client id, or {@code null} for backend datagrams
     */
    public Datagram(String id, Path path, String data, String from) {
        this.id = id;
        this.path = path;
        this.data = data == null ? "null" : data;
        this.from = from;
        this.createdNanos = System.nanoTime();
    }

    /** A control datagram (no id, no sender). */
    public static Datagram control(String path, String dataJson) {
        return new Datagram(null, Path.of(path), dataJson, null);
    }

    public String id() {
        return id;
    }

    public Path path() {
        return path;
    }

    /** The data as JSON text. */
    public String data() {
        return data;
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

    /** The datagram's JSON text as UTF-8, computed once. */
    public byte[] json() {
        byte[] j = json;
        if (j == null) {
            json = j = encode().getBytes(StandardCharsets.UTF_8);
        }
        return j;
    }

    private String encode() {
        StringBuilder sb = new StringBuilder(48 + data.length());
        sb.append('{');
        if (id != null) {
            sb.append("\"id\":");
            quote(sb, id);
            sb.append(',');
        }
        sb.append("\"path\":");
        quote(sb, path.toString());
        sb.append(",\"data\":").append(data);
        if (from != null) {
            sb.append(",\"from\":");
            quote(sb, from);
        }
        return sb.append('}').toString();
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
        return 64 + 2 * data.length() + path.toString().length() * 2;
    }

    @Override
    public String toString() {
        return new String(json(), StandardCharsets.UTF_8);
    }
}
