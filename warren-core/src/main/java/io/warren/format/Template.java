package io.warren.format;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A piece of format text with placeholders: {@code {tunnel}}, {@code {client}}, {@code {callback}},
 * {@code {padding}} (2 KiB of spaces, to make browsers and proxies start rendering) in headers and
 * footers; {@code {datagram}} (the encoded datagram JSON), {@code {id}} and {@code {path}} in envelopes.
 * Any other {@code {word}} is a configuration error; other braces are literal text, so JSON and
 * JavaScript need no escaping.
 *
 * <p>Immutable and thread-safe; compiled once when the format is defined.
 */
public final class Template {
    public static final Set<String> CONNECTION_PLACEHOLDERS = Set.of("tunnel", "client", "callback", "padding");
    public static final Set<String> DATAGRAM_PLACEHOLDERS = Set.of("datagram", "id", "path");
    /** Control datagrams have no id, so their envelope cannot use {@code {id}}. */
    public static final Set<String> CONTROL_PLACEHOLDERS = Set.of("datagram", "path");

    static final String PADDING = " ".repeat(2048);

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z]+)\\}");

    private static final byte[] PADDING_BYTES = PADDING.getBytes(StandardCharsets.UTF_8);

    private final String source;
    /** Alternating literal (even index) and placeholder name (odd index). */
    private final String[] parts;
    /** The literals of {@link #parts} as UTF-8 (odd indexes null), for {@link #renderBytes}. */
    private final byte[][] literals;

    private Template(String source, String[] parts) {
        this.source = source;
        this.parts = parts;
        this.literals = new byte[parts.length][];
        for (int i = 0; i < parts.length; i += 2) {
            literals[i] = parts[i].getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * Compiles {@code source}, allowing only the placeholders in {@code allowed}.
     *
     * @throws IllegalArgumentException naming the unknown placeholder
     */
    public static Template compile(String source, Set<String> allowed) {
        List<String> parts = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(source);
        int last = 0;
        while (m.find()) {
            String name = m.group(1);
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException(
                        "unknown placeholder {" + name + "} in \"" + source + "\" (allowed here: " + allowed + ")");
            }
            parts.add(source.substring(last, m.start()));
            parts.add(name);
            last = m.end();
        }
        parts.add(source.substring(last));
        return new Template(source, parts.toArray(new String[0]));
    }

    public boolean isEmpty() {
        return source.isEmpty();
    }

    public boolean uses(String placeholder) {
        for (int i = 1; i < parts.length; i += 2) {
            if (parts[i].equals(placeholder)) {
                return true;
            }
        }
        return false;
    }

    /** Renders with values looked up by placeholder name; a missing value renders empty. */
    public String render(Values values) {
        if (parts.length == 1) {
            return parts[0];
        }
        StringBuilder sb = new StringBuilder(source.length() + 128);
        for (int i = 0; i < parts.length; i++) {
            if ((i & 1) == 0) {
                sb.append(parts[i]);
            } else if (parts[i].equals("padding")) {
                sb.append(PADDING);
            } else {
                String v = values.get(parts[i]);
                if (v != null) {
                    sb.append(v);
                }
            }
        }
        return sb.toString();
    }

    /**
     * Renders to UTF-8 with byte values looked up by placeholder name, in one array of the exact size;
     * a missing value renders empty. When the template is one placeholder alone, its value is returned
     * as it is (no copy).
     */
    public byte[] renderBytes(ByteValues values) {
        if (parts.length == 1) {
            return literals[0];
        }
        byte[][] v = new byte[parts.length][];
        int length = 0;
        for (int i = 0; i < parts.length; i++) {
            v[i] = (i & 1) == 0 ? literals[i] : parts[i].equals("padding") ? PADDING_BYTES : values.get(parts[i]);
            length += v[i] == null ? 0 : v[i].length;
        }
        if (parts.length == 3 && literals[0].length == 0 && literals[2].length == 0 && v[1] != null) {
            return v[1];
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] b : v) {
            if (b != null) {
                System.arraycopy(b, 0, out, at, b.length);
                at += b.length;
            }
        }
        return out;
    }

    /** Placeholder values as UTF-8 bytes. */
    @FunctionalInterface
    public interface ByteValues {
        byte[] get(String placeholder);
    }

    public String source() {
        return source;
    }

    /** Placeholder values. */
    @FunctionalInterface
    public interface Values {
        String get(String placeholder);
    }

    @Override
    public String toString() {
        return source;
    }
}
