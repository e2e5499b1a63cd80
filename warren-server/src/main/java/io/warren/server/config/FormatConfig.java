package io.warren.server.config;

import io.warren.format.Encoding;
import io.warren.format.Format;
import io.warren.format.Formats;
import io.warren.format.Mode;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads an operator-defined format from the configuration file:
 * <pre>
 * formats:
 *   plain:
 *     content-type: text/plain; charset=utf-8
 *     mode: stream            # or poll
 *     header: "hello {client}\n"
 *     envelope: "{id} {path} {datagram}\n"
 *     control: "{path} {datagram}\n"   # optional: for datagrams without id
 *     separator: ""                     # between datagrams of one poll answer
 *     keepalive: "\n"                   # optional
 *     footer: "bye\n"
 *     encoding: json          # json, script, js-string, html, base64, url
 *     callback-required: false
 * </pre>
 */
final class FormatConfig {
    private static final Set<String> KEYS = Set.of(
            "content-type",
            "mode",
            "header",
            "envelope",
            "control",
            "separator",
            "keepalive",
            "footer",
            "encoding",
            "callback-required",
            "default-callback");

    /** type/subtype with optional parameters: no control characters, so it cannot break the header block. */
    private static final Pattern MEDIA_TYPE =
            Pattern.compile("[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*"
                    + "( *; *[A-Za-z0-9!#$&^_.+-]+=([A-Za-z0-9!#$&^_.+-]+|\"[ !#-\\[\\]-~]*\"))*");

    private FormatConfig() {}

    /** {@code formats:} of the file (null when absent) added to the built-in formats. */
    static Formats readAll(Object defined) {
        Formats.Builder formats = Formats.builder();
        if (defined != null) {
            if (!(defined instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("formats must be a mapping from format name to templates");
            }
            for (Map.Entry<?, ?> e : m.entrySet()) {
                formats.add(read(String.valueOf(e.getKey()), e.getValue()));
            }
        }
        try {
            return formats.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("formats: " + e.getMessage());
        }
    }

    static Format.Builder read(String name, Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("formats." + name + " must be a mapping of template keys");
        }
        Format.Builder b = Format.builder(name);
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(
                        "formats." + name + ": unknown key '" + key + "' (known: " + KEYS + ")");
            }
            String v = e.getValue() == null ? "" : String.valueOf(e.getValue());
            switch (key) {
                case "content-type" -> {
                    if (!MEDIA_TYPE.matcher(v).matches()) {
                        throw new IllegalArgumentException("formats." + name + ".content-type: not a media type such as"
                                + " 'text/plain; charset=utf-8' (letters, digits and ;= only, no line breaks)");
                    }
                    b.contentType(v);
                }
                case "mode" -> {
                    if (!v.equalsIgnoreCase("stream") && !v.equalsIgnoreCase("poll")) {
                        throw new IllegalArgumentException(
                                "formats." + name + ".mode: '" + v + "' is not stream or poll");
                    }
                    b.mode(Mode.valueOf(v.toUpperCase(Locale.ROOT)));
                }
                case "header" -> b.header(v);
                case "envelope" -> b.envelope(v);
                case "control" -> b.control(v);
                case "separator" -> b.separator(v);
                case "keepalive" -> b.keepalive(v);
                case "footer" -> b.footer(v);
                case "encoding" -> {
                    try {
                        b.encoding(Encoding.byName(v));
                    } catch (IllegalArgumentException bad) {
                        throw new IllegalArgumentException("formats." + name + ".encoding: " + bad.getMessage());
                    }
                }
                case "callback-required" -> {
                    if (!v.equals("true") && !v.equals("false")) {
                        throw new IllegalArgumentException(
                                "formats." + name + ".callback-required: '" + v + "' is not true or false");
                    }
                    b.callbackRequired(Boolean.parseBoolean(v));
                }
                case "default-callback" -> {
                    if (!Callbacks.valid(v)) {
                        throw new IllegalArgumentException(
                                "formats." + name + ".default-callback: must be " + Callbacks.RULE);
                    }
                    b.defaultCallback(v);
                }
                default -> throw new AssertionError(key);
            }
        }
        return b;
    }
}
