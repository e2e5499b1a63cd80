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

    public String apply(String json) {
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
                return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
            case URL:
                return url(json);
            default:
                throw new AssertionError(this);
        }
    }

    private static String scriptSafe(String s, boolean quote) {
        StringBuilder sb = null;
        if (quote) {
            sb = new StringBuilder(s.length() + 16).append('"');
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = null;
            switch (c) {
                case '<':
                    rep = "\\u003c";
                    break;
                case '>':
                    rep = "\\u003e";
                    break;
                case '&':
                    rep = "\\u0026";
                    break;
                case '\u2028':
                    rep = "\\u2028";
                    break;
                case '\u2029':
                    rep = "\\u2029";
                    break;
                default:
                    if (quote) {
                        if (c == '"') {
                            rep = "\\\"";
                        } else if (c == '\\') {
                            rep = "\\\\";
                        } else if (c < 0x20) {
                            rep = String.format("\\u%04x", (int) c);
                        }
                    }
            }
            if (rep != null && sb == null) {
                sb = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (sb != null) {
                if (rep != null) {
                    sb.append(rep);
                } else {
                    sb.append(c);
                }
            }
        }
        if (quote) {
            sb.append('"');
        }
        return sb == null ? s : sb.toString();
    }

    private static String html(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&':
                    sb.append("&amp;");
                    break;
                case '<':
                    sb.append("&lt;");
                    break;
                case '>':
                    sb.append("&gt;");
                    break;
                case '"':
                    sb.append("&quot;");
                    break;
                case '\'':
                    sb.append("&#39;");
                    break;
                default:
                    sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String url(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_'
                    || c == '.'
                    || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }
}
