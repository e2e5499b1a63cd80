package io.warren.format;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * A transformation of a datagram's JSON text before it enters an envelope. Built in, by name:
 * <ul>
 *   <li>{@code json}: unchanged;</li>
 *   <li>{@code script}: still valid JSON and JavaScript, but safe inside an HTML {@code <script>} element:
 *       {@code < > &} and U+2028/U+2029 become {@code \\uXXXX} escapes, so neither {@code </script>} nor
 *       {@code <!--} can appear and no line terminator breaks a JS string;</li>
 *   <li>{@code js-string}: a quoted JavaScript string literal holding the JSON text, script-safe as above;</li>
 *   <li>{@code html}: HTML entity escaping of {@code & < > " '}, for text and attribute values;</li>
 *   <li>{@code base64}: standard Base64 of the UTF-8 bytes;</li>
 *   <li>{@code url}: percent-encoding of everything but unreserved characters.</li>
 * </ul>
 * These escape only characters that JSON structure never contains outside strings, so the result of
 * {@code script} decodes to the same value.
 */
public enum Encoding {
    JSON("json"),
    SCRIPT("script"),
    JS_STRING("js-string"),
    HTML("html"),
    BASE64("base64"),
    URL("url");

    private final String configName;

    Encoding(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static Encoding byName(String name) {
        for (Encoding e : values()) {
            if (e.configName.equals(name.toLowerCase(Locale.ROOT))) {
                return e;
            }
        }
        throw new IllegalArgumentException(
                "unknown encoding '" + name + "' (known: json, script, js-string, html, base64, url)");
    }

    /** As {@link #apply(byte[])}, on text. */
    public String apply(String json) {
        return new String(apply(json.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    /**
     * Encodes UTF-8 JSON bytes; {@code json} itself (no copy) when nothing needs escaping. Works on bytes:
     * every character escaped is ASCII, except U+2028 and U+2029 ({@code E2 80 A8/A9}).
     */
    public byte[] apply(byte[] json) {
        switch (this) {
            case JSON:
                return json;
            case SCRIPT:
                return scriptSafe(json, false);
            case JS_STRING:
                return scriptSafe(json, true);
            case HTML:
                return html(json);
            case BASE64:
                return Base64.getEncoder().encode(json);
            case URL:
                return url(json);
            default:
                throw new AssertionError(this);
        }
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private static byte[] scriptSafe(byte[] s, boolean quote) {
        Bytes out = null;
        if (quote) {
            out = new Bytes(s.length + 16);
            out.write('"');
        }
        int copied = 0; // s[copied, i) still to copy
        for (int i = 0; i < s.length; i++) {
            int c = s[i] & 0xff;
            int escape = -1; // -1: none; -2: a backslash before the byte; else the code point as a u-escape
            int skip = 0;
            if (c == '<' || c == '>' || c == '&') {
                escape = c;
            } else if (c == 0xE2
                    && i + 2 < s.length
                    && (s[i + 1] & 0xff) == 0x80
                    && ((s[i + 2] & 0xff) == 0xA8 || (s[i + 2] & 0xff) == 0xA9)) {
                escape = (s[i + 2] & 0xff) == 0xA8 ? 0x2028 : 0x2029;
                skip = 2;
            } else if (quote && (c == '"' || c == '\\')) {
                escape = -2;
            } else if (quote && c < 0x20) {
                escape = c;
            }
            if (escape == -1) {
                continue;
            }
            if (out == null) {
                out = new Bytes(s.length + 16);
            }
            out.write(s, copied, i - copied);
            out.write('\\');
            if (escape == -2) {
                out.write(c);
            } else {
                out.write('u');
                out.write(HEX[escape >> 12 & 15]);
                out.write(HEX[escape >> 8 & 15]);
                out.write(HEX[escape >> 4 & 15]);
                out.write(HEX[escape & 15]);
            }
            i += skip;
            copied = i + 1;
        }
        if (out == null) {
            return s;
        }
        out.write(s, copied, s.length - copied);
        if (quote) {
            out.write('"');
        }
        return out.toByteArray();
    }

    private static byte[] html(byte[] s) {
        Bytes out = new Bytes(s.length + 16);
        for (byte b : s) {
            String rep = switch (b) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> null;
            };
            if (rep == null) {
                out.write(b);
            } else {
                out.write(rep.getBytes(StandardCharsets.US_ASCII));
            }
        }
        return out.toByteArray();
    }

    private static byte[] url(byte[] bytes) {
        Bytes out = new Bytes(bytes.length * 2);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_'
                    || c == '.'
                    || c == '~') {
                out.write(c);
            } else {
                out.write('%');
                out.write(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
                out.write(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toByteArray();
    }

    /** A growable byte array without {@code ByteArrayOutputStream}'s locking; one encoding call only. */
    private static final class Bytes {
        private byte[] a;
        private int n;

        Bytes(int capacity) {
            a = new byte[Math.max(16, capacity)];
        }

        private void ensure(int more) {
            if (n + more > a.length) {
                a = java.util.Arrays.copyOf(a, Math.max(a.length * 2, n + more));
            }
        }

        void write(int b) {
            ensure(1);
            a[n++] = (byte) b;
        }

        void write(byte[] b) {
            write(b, 0, b.length);
        }

        void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, a, n, len);
            n += len;
        }

        byte[] toByteArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }
}
