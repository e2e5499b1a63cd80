package io.warren.format;

import io.warren.datagram.Datagram;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * How a tunnel looks on the wire: content type, open header, the envelope around each datagram, the
 * keepalive, the close footer, the encoding of the datagram JSON, and the {@link Mode}.
 *
 * <p>A connection's bytes are: {@code header}, then the {@code /meta/open} datagram in its envelope,
 * then datagram envelopes (joined by {@code separator} within one response), keepalives when idle
 * (stream mode), and finally the {@code footer}. Datagrams without an id (control datagrams) use the
 * {@code control} envelope, which may not use {@code {id}}; it defaults to the ordinary envelope without
 * the lines whose only placeholder is {@code {id}}, so a control datagram never carries an empty id line
 * (in SSE, an empty {@code id:} resets the browser's Last-Event-ID). The keepalive defaults to the control
 * envelope around {@code {"path":"/meta/keepalive"}}.
 *
 * <p>A format may set its own timers (keepalive interval, poll timeout, WebSocket ping interval); one it
 * leaves unset is the node's ({@link #keepaliveInterval(Duration)} and friends take that default).
 *
 * <p>Envelopes depend on the datagram only, never on the tunnel, so each is rendered once per datagram
 * and shared ({@link #envelope(Datagram)}). Immutable and thread-safe.
 */
public final class Format {
    private static final Datagram KEEPALIVE = Datagram.control("/meta/keepalive", "null");

    private final String name;
    private final Mode mode;
    private final String contentType;
    private final Template header;
    private final Template envelope;
    private final Template control;
    private final Template separator;
    private final Template keepalive;
    private final Template footer;
    private final Encoding encoding;
    private final boolean callbackRequired;
    private final String defaultCallback;
    private final boolean transportFramed;
    private final Duration keepaliveInterval;
    private final Duration pollTimeout;
    private final Duration pingInterval;
    private final int slot;
    private final String definition;
    private final byte[] keepaliveBytes;
    private final byte[] separatorBytes;

    private Format(Builder b, int slot) {
        this.name = b.name;
        this.mode = b.mode;
        this.contentType = b.contentType;
        this.header = Template.compile(b.header, Template.CONNECTION_PLACEHOLDERS);
        this.envelope = Template.compile(b.envelope, Template.DATAGRAM_PLACEHOLDERS);
        this.control = Template.compile(
                b.control == null ? withoutIdLines(b.envelope) : b.control, Template.CONTROL_PLACEHOLDERS);
        this.separator = Template.compile(b.separator, Set.of());
        this.keepalive = b.keepalive == null ? null : Template.compile(b.keepalive, Set.of());
        this.footer = Template.compile(b.footer, Template.CONNECTION_PLACEHOLDERS);
        this.encoding = b.encoding;
        this.defaultCallback = b.defaultCallback;
        this.callbackRequired =
                defaultCallback == null && (b.callbackRequired || header.uses("callback") || footer.uses("callback"));
        this.transportFramed = b.transportFramed;
        this.keepaliveInterval = b.keepaliveInterval;
        this.pollTimeout = b.pollTimeout;
        this.pingInterval = b.pingInterval;
        this.slot = slot;
        this.definition = String.join(
                "\u0000",
                name,
                mode.name(),
                contentType,
                b.header,
                b.envelope,
                control.source(),
                b.separator,
                String.valueOf(b.keepalive),
                b.footer,
                encoding.name(),
                String.valueOf(callbackRequired),
                String.valueOf(defaultCallback),
                String.valueOf(transportFramed),
                String.valueOf(keepaliveInterval),
                String.valueOf(pollTimeout),
                String.valueOf(pingInterval));
        if (!envelope.uses("datagram")) {
            throw new IllegalArgumentException("format '" + name + "': the envelope must contain {datagram}");
        }
        if (!control.uses("datagram")) {
            throw new IllegalArgumentException(
                    "format '" + name + "': the control envelope must contain {datagram} (it carries /meta/open)");
        }
        this.keepaliveBytes = keepalive != null ? utf8(keepalive.render(p -> null)) : renderEnvelope(KEEPALIVE);
        this.separatorBytes = utf8(separator.render(p -> null));
    }

    /** The envelope without its lines whose only placeholder is {@code {id}} (such as SSE's {@code id: {id}}). */
    static String withoutIdLines(String envelope) {
        StringBuilder sb = new StringBuilder(envelope.length());
        for (String line : envelope.split("(?<=\n)")) {
            if (!line.contains("{id}") || line.contains("{datagram}")) {
                sb.append(line);
            }
        }
        return sb.toString().replace("{id}", "");
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    public Mode mode() {
        return mode;
    }

    public String contentType() {
        return contentType;
    }

    public Encoding encoding() {
        return encoding;
    }

    /** Whether a connection of this format must name a {@code callback} (validated by the server). */
    public boolean callbackRequired() {
        return callbackRequired;
    }

    /** The callback used when a connection names none, or {@code null}. */
    public String defaultCallback() {
        return defaultCallback;
    }

    /**
     * Whether the transport frames each envelope itself (WebSocket): the server then sends each
     * envelope as one message and never writes separators.
     */
    public boolean transportFramed() {
        return transportFramed;
    }

    /** The idle interval after which a stream connection gets the keepalive: this format's, else {@code node}. */
    public Duration keepaliveInterval(Duration node) {
        return keepaliveInterval != null ? keepaliveInterval : node;
    }

    /** How long a poll is held when there is nothing to send: this format's, else {@code node}. */
    public Duration pollTimeout(Duration node) {
        return pollTimeout != null ? pollTimeout : node;
    }

    /**
     * After how long without a frame from the client a transport-framed connection (WebSocket) is pinged:
     * this format's, else its keepalive interval (this format's, else {@code nodeKeepalive}).
     */
    public Duration pingInterval(Duration nodeKeepalive) {
        return pingInterval != null ? pingInterval : keepaliveInterval(nodeKeepalive);
    }

    /** The keepalive interval this format sets itself, or null when it takes the node's. */
    public Duration ownKeepaliveInterval() {
        return keepaliveInterval;
    }

    /** Everything that defines this format, as text: two formats with equal definitions behave the same. */
    public String definition() {
        return definition;
    }

    /** The render-cache slot of this format in {@link Datagram#rendered(int)}. */
    public int slot() {
        return slot;
    }

    /** The open header for one connection. */
    public byte[] header(String tunnel, String client, String callback) {
        return utf8(header.render(connectionValues(tunnel, client, callback)));
    }

    /** The close footer for one connection. */
    public byte[] footer(String tunnel, String client, String callback) {
        return utf8(footer.render(connectionValues(tunnel, client, callback)));
    }

    private static Template.Values connectionValues(String tunnel, String client, String callback) {
        return p -> switch (p) {
            case "tunnel" -> tunnel;
            case "client" -> client;
            case "callback" -> callback;
            default -> null;
        };
    }

    /**
     * The datagram in this format's envelope, rendered once per datagram and format, then shared by
     * every tunnel: never write into the array.
     */
    public byte[] envelope(Datagram d) {
        byte[] bytes = d.rendered(slot);
        if (bytes == null) {
            bytes = d.cacheRendered(slot, renderEnvelope(d));
        }
        return bytes;
    }

    /** Bytes to bytes: the datagram's JSON, encoded only when the format's encoding asks for it. */
    private byte[] renderEnvelope(Datagram d) {
        Template t = d.isControl() ? control : envelope;
        byte[] encoded = encoding.apply(d.json());
        return t.renderBytes(p -> switch (p) {
            case "datagram" -> encoded;
            case "id" -> d.id() == null ? null : utf8(d.id());
            case "path" -> utf8(d.path().toString());
            default -> null;
        });
    }

    public byte[] keepalive() {
        return keepaliveBytes;
    }

    /** What stands between two envelopes within one response (poll mode joins its batch with it). */
    public byte[] separator() {
        return separatorBytes;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return name;
    }

    /** Defines a format; {@link Formats} assigns the slot. */
    public static final class Builder {
        private final String name;
        private Mode mode = Mode.STREAM;
        private String contentType = "text/plain; charset=utf-8";
        private String header = "";
        private String envelope = "{datagram}\n";
        private String control;
        private String separator = "";
        private String keepalive;
        private String footer = "";
        private Encoding encoding = Encoding.JSON;
        private boolean callbackRequired;
        private String defaultCallback;
        private boolean transportFramed;
        private Duration keepaliveInterval;
        private Duration pollTimeout;
        private Duration pingInterval;

        private Builder(String name) {
            if (name == null || !name.matches("[a-z][a-z0-9-]{0,31}")) {
                throw new IllegalArgumentException("format name '" + name + "' must match [a-z][a-z0-9-]{0,31}");
            }
            this.name = name;
        }

        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode);
            return this;
        }

        public Builder contentType(String v) {
            this.contentType = Objects.requireNonNull(v);
            return this;
        }

        public Builder header(String v) {
            this.header = Objects.requireNonNull(v);
            return this;
        }

        public Builder envelope(String v) {
            this.envelope = Objects.requireNonNull(v);
            return this;
        }

        public Builder control(String v) {
            this.control = v;
            return this;
        }

        public Builder separator(String v) {
            this.separator = Objects.requireNonNull(v);
            return this;
        }

        public Builder keepalive(String v) {
            this.keepalive = v;
            return this;
        }

        public Builder footer(String v) {
            this.footer = Objects.requireNonNull(v);
            return this;
        }

        public Builder encoding(Encoding v) {
            this.encoding = Objects.requireNonNull(v);
            return this;
        }

        public Builder callbackRequired(boolean v) {
            this.callbackRequired = v;
            return this;
        }

        public Builder defaultCallback(String v) {
            this.defaultCallback = v;
            return this;
        }

        public Builder transportFramed(boolean v) {
            this.transportFramed = v;
            return this;
        }

        /** This format's keepalive interval (stream mode), or null for the node's. */
        public Builder keepaliveInterval(Duration v) {
            this.keepaliveInterval = positive(v, "keepalive-interval");
            return this;
        }

        /** This format's poll timeout (poll mode), or null for the node's. */
        public Builder pollTimeout(Duration v) {
            this.pollTimeout = positive(v, "poll-timeout");
            return this;
        }

        /** This format's WebSocket ping interval (transport-framed formats), or null for its keepalive interval. */
        public Builder pingInterval(Duration v) {
            this.pingInterval = positive(v, "ping-interval");
            return this;
        }

        private static Duration positive(Duration v, String what) {
            if (v != null && (v.isNegative() || v.isZero())) {
                throw new IllegalArgumentException(what + " must be a positive duration");
            }
            return v;
        }

        public String name() {
            return name;
        }

        public Mode mode() {
            return mode;
        }

        public String contentType() {
            return contentType;
        }

        public String envelope() {
            return envelope;
        }

        public boolean transportFramed() {
            return transportFramed;
        }

        Format build(int slot) {
            return new Format(this, slot);
        }
    }
}
