package io.warren.server.config;

import io.warren.format.Encoding;
import io.warren.format.Format;
import io.warren.format.Formats;
import io.warren.format.Mode;
import io.warren.format.Template;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Reads {@code formats:} of the configuration file: new formats, and changes to built-in ones (an entry
 * named like a built-in format changes only the keys it gives). Every key is checked here, with a message
 * naming {@code formats.NAME.KEY}:
 * <pre>
 * formats:
 *   plain:
 *     content-type: text/plain; charset=utf-8
 *     mode: stream            # or poll
 *     header: "hello {client}\n"
 *     envelope: "{id} {path} {datagram}\n"
 *     control: "{path} {datagram}\n"   # for datagrams without id; no {id}
 *     separator: ""                     # between datagrams of one poll answer
 *     keepalive: ".\n"                  # the keepalive's bytes (stream mode)
 *     keepalive-interval: 10s           # stream mode; default: keepalive
 *     footer: "bye\n"
 *     encoding: json          # json, script, js-string, html, base64, url
 *     callback-required: false
 *   longpoll:
 *     poll-timeout: 40s                 # poll mode; default: poll-timeout
 *   ws:
 *     ping-interval: 30s                # ws only; default: its keepalive interval
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
            "default-callback",
            "keepalive-interval",
            "poll-timeout",
            "ping-interval");

    /** What the WebSocket transport lets an operator set: its bytes are the datagrams themselves. */
    private static final List<String> WS_KEYS = List.of("keepalive-interval", "ping-interval");

    /**
     * Names no template format may take: {@code ws} is the built-in WebSocket transport, and {@code wss}
     * and {@code websocket} would answer an HTTP response to clients that ask for a WebSocket.
     */
    static final List<String> RESERVED = List.of("ws", "wss", "websocket");

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    /** type/subtype with optional parameters: no control characters, so it cannot break the header block. */
    private static final Pattern MEDIA_TYPE =
            Pattern.compile("[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*"
                    + "( *; *[A-Za-z0-9!#$&^_.+-]+=([A-Za-z0-9!#$&^_.+-]+|\"[ !#-\\[\\]-~]*\"))*");

    /** An SSE envelope line that sets the event id, which browsers send back as Last-Event-ID. */
    private static final Pattern SSE_ID_LINE = Pattern.compile("(?m)^id: ?\\{id\\}$");

    private FormatConfig() {}

    /**
     * {@code formats:} of the file (null when absent) applied to the built-in formats; what changes how
     * clients resume goes to {@code warn}.
     */
    static Formats readAll(Object defined, Consumer<String> warn) {
        Formats.Builder formats = Formats.builder();
        if (defined != null) {
            if (!(defined instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("formats must be a mapping from format name to templates");
            }
            for (Map.Entry<?, ?> e : m.entrySet()) {
                read(formats, String.valueOf(e.getKey()), e.getValue(), warn);
            }
        }
        try {
            return formats.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("formats: " + e.getMessage());
        }
    }

    private static void read(Formats.Builder formats, String name, Object value, Consumer<String> warn) {
        String at = "formats." + name;
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(at + ": a format name must match [a-z][a-z0-9-]{0,31}");
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(at + " must be a mapping of template keys");
        }
        if (RESERVED.contains(name) && !name.equals("ws")) {
            throw new IllegalArgumentException(at + ": the name is reserved for WebSocket (reserved: " + RESERVED
                    + "); the built-in ws transport takes only " + WS_KEYS);
        }
        Format.Builder existing = formats.get(name);
        Format.Builder b = existing != null ? existing : Format.builder(name);
        Mode builtInMode = b.mode();
        Set<String> given = new LinkedHashSet<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException(at + ": unknown key '" + key + "' (known: " + KEYS + ")");
            }
            if (b.transportFramed() && !WS_KEYS.contains(key)) {
                throw new IllegalArgumentException(at + "." + key + ": " + name
                        + " is the built-in WebSocket transport; only " + WS_KEYS + " can be set (reserved names: "
                        + RESERVED + ")");
            }
            Object raw = e.getValue();
            if (raw instanceof Map<?, ?> || raw instanceof List<?>) {
                throw new IllegalArgumentException(at + "." + key + " must be a single value, not " + raw);
            }
            String v = raw == null ? "" : String.valueOf(raw);
            given.add(key);
            readKey(b, at + "." + key, key, v);
        }
        checkMode(b, at, given);
        if (existing == null) {
            formats.add(b);
        } else {
            warnAboutOverride(b, at, given, builtInMode, warn);
        }
        if (b.contentType().toLowerCase(Locale.ROOT).startsWith("text/event-stream")
                && !SSE_ID_LINE.matcher(b.envelope()).find()) {
            warn.accept(at + ": an event-stream envelope without an 'id: {id}' line: browsers reconnecting on their"
                    + " own send no Last-Event-ID, so they resume only when the client passes last=");
        }
    }

    private static void readKey(Format.Builder b, String at, String key, String v) {
        try {
            switch (key) {
                case "content-type" -> {
                    if (!MEDIA_TYPE.matcher(v).matches()) {
                        throw new IllegalArgumentException("not a media type such as 'text/plain; charset=utf-8'"
                                + " (letters, digits and ;= only, no line breaks)");
                    }
                    b.contentType(v);
                }
                case "mode" -> {
                    if (!v.equalsIgnoreCase("stream") && !v.equalsIgnoreCase("poll")) {
                        throw new IllegalArgumentException("'" + v + "' is not stream or poll");
                    }
                    b.mode(Mode.valueOf(v.toUpperCase(Locale.ROOT)));
                }
                case "header" -> b.header(template(v, Template.CONNECTION_PLACEHOLDERS));
                case "footer" -> b.footer(template(v, Template.CONNECTION_PLACEHOLDERS));
                case "envelope" -> b.envelope(withDatagram(v, Template.DATAGRAM_PLACEHOLDERS));
                case "control" -> b.control(withDatagram(v, Template.CONTROL_PLACEHOLDERS));
                case "separator" -> b.separator(template(v, Set.of()));
                case "keepalive" -> {
                    if (v.isEmpty()) {
                        throw new IllegalArgumentException("must not be empty: an empty keepalive keeps nothing alive");
                    }
                    b.keepalive(template(v, Set.of()));
                }
                case "encoding" -> b.encoding(Encoding.byName(v));
                case "callback-required" -> {
                    if (!v.equals("true") && !v.equals("false")) {
                        throw new IllegalArgumentException("'" + v + "' is not true or false");
                    }
                    b.callbackRequired(Boolean.parseBoolean(v));
                }
                case "default-callback" -> {
                    if (!Callbacks.valid(v)) {
                        throw new IllegalArgumentException("must be " + Callbacks.RULE);
                    }
                    b.defaultCallback(v);
                }
                case "keepalive-interval" -> b.keepaliveInterval(duration(v));
                case "poll-timeout" -> b.pollTimeout(duration(v));
                case "ping-interval" -> b.pingInterval(duration(v));
                default -> throw new AssertionError(key);
            }
        } catch (IllegalArgumentException bad) {
            throw new IllegalArgumentException(at + ": " + bad.getMessage());
        }
    }

    /** Timers and templates that only mean something in one mode are refused in the other. */
    private static void checkMode(Format.Builder b, String at, Set<String> given) {
        boolean poll = b.mode() == Mode.POLL;
        if (poll && given.contains("keepalive-interval")) {
            throw new IllegalArgumentException(
                    at + ".keepalive-interval: a poll format sends no keepalives (its silence is poll-timeout)");
        }
        if (poll && given.contains("keepalive")) {
            throw new IllegalArgumentException(at + ".keepalive: a poll format sends no keepalives");
        }
        if (!poll && given.contains("poll-timeout")) {
            throw new IllegalArgumentException(at + ".poll-timeout: only a poll format holds polls");
        }
        if (!b.transportFramed() && given.contains("ping-interval")) {
            throw new IllegalArgumentException(at + ".ping-interval: only the WebSocket transport (ws) pings");
        }
    }

    private static void warnAboutOverride(
            Format.Builder b, String at, Set<String> given, Mode builtInMode, Consumer<String> warn) {
        if (b.mode() != builtInMode) {
            warn.accept(at + ": changes the built-in format's mode from " + name(builtInMode) + " to "
                    + name(b.mode()) + ": polls acknowledge with last= and streams never do, so clients"
                    + " written for the built-in format resume differently (repeats or gaps)");
        }
        Set<String> bytes = new LinkedHashSet<>(given);
        bytes.removeAll(Set.of("keepalive-interval", "poll-timeout", "ping-interval", "mode"));
        if (!bytes.isEmpty()) {
            warn.accept(at + ": changes the built-in format's " + bytes
                    + "; the browser client (warren.js) expects the built-in bytes");
        }
    }

    private static String name(Mode m) {
        return m.name().toLowerCase(Locale.ROOT);
    }

    private static String template(String v, Set<String> allowed) {
        Template.compile(v, allowed);
        return v;
    }

    private static String withDatagram(String v, Set<String> allowed) {
        if (!Template.compile(v, allowed).uses("datagram")) {
            throw new IllegalArgumentException("must contain {datagram}");
        }
        return v;
    }

    private static Duration duration(String v) {
        Duration d = Units.duration(v);
        if (d.isZero()) {
            throw new IllegalArgumentException("must be a positive duration, not '" + v + "'");
        }
        return d;
    }
}
