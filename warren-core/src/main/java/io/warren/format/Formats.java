package io.warren.format;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The formats a server offers, by name: the built-in ones ({@code sse}, {@code stream}, {@code iframe},
 * {@code longpoll}, {@code jsonp}, {@code ws}) plus those an operator defines from templates. Immutable
 * once built.
 */
public final class Formats {
    /** At most this many formats; each has a render-cache slot per datagram. */
    public static final int MAX_FORMATS = 16;

    private final Map<String, Format> byName;

    private Formats(Map<String, Format> byName) {
        this.byName = Collections.unmodifiableMap(byName);
    }

    /** Only the built-in formats. */
    public static Formats builtIn() {
        return builder().build();
    }

    /** A builder that starts with the built-in formats; {@link Builder#add} adds or replaces by name. */
    public static Builder builder() {
        Builder b = new Builder();
        b.add(Format.builder("sse")
                .contentType("text/event-stream; charset=utf-8")
                .header(":{padding}\nretry: 2000\n\n")
                .envelope("id: {id}\ndata: {datagram}\n\n")
                .control("data: {datagram}\n\n"));
        b.add(Format.builder("stream")
                .contentType("application/x-ndjson; charset=utf-8")
                .envelope("{datagram}\n"));
        b.add(Format.builder("iframe")
                .contentType("text/html; charset=utf-8")
                .header("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>warren</title></head><body>\n"
                        + "<!--{padding}-->\n"
                        + "<script>function w(d){try{parent.{callback}(d)}catch(e){}}</script>\n")
                .envelope("<script>w({datagram})</script>\n")
                .footer("</body></html>\n")
                .encoding(Encoding.SCRIPT)
                .defaultCallback("warren"));
        b.add(Format.builder("longpoll")
                .mode(Mode.POLL)
                .contentType("application/json; charset=utf-8")
                .header("[")
                .envelope("{datagram}")
                .separator(",")
                .footer("]"));
        b.add(Format.builder("jsonp")
                .mode(Mode.POLL)
                .contentType("application/javascript; charset=utf-8")
                .header("/**/{callback}([")
                .envelope("{datagram}")
                .separator(",")
                .footer("]);")
                .encoding(Encoding.SCRIPT)
                .callbackRequired(true));
        // WebSocket: one text message per datagram, framed by the transport; the server upgrades the request.
        b.add(Format.builder("ws")
                .contentType("application/json; charset=utf-8")
                .envelope("{datagram}")
                .transportFramed(true));
        return b;
    }

    public Format get(String name) {
        return name == null ? null : byName.get(name);
    }

    public Collection<Format> all() {
        return byName.values();
    }

    /** The shortest keepalive interval a format sets itself, or {@code node} when none is shorter. */
    public Duration shortestKeepalive(Duration node) {
        Duration shortest = node;
        for (Format f : byName.values()) {
            Duration own = f.ownKeepaliveInterval();
            if (own != null && own.compareTo(shortest) < 0) {
                shortest = own;
            }
        }
        return shortest;
    }

    public static final class Builder {
        private final Map<String, Format.Builder> specs = new LinkedHashMap<>();

        /**
         * The definition added under {@code name} (a built-in one to start with), or null: changing it
         * changes that format, keeping whatever is not changed.
         */
        public Format.Builder get(String name) {
            return specs.get(name);
        }

        public Builder add(Format.Builder spec) {
            specs.put(spec.name(), spec);
            if (specs.size() > MAX_FORMATS) {
                throw new IllegalArgumentException("at most " + MAX_FORMATS + " formats");
            }
            return this;
        }

        public Formats build() {
            Map<String, Format> m = new LinkedHashMap<>();
            int slot = 0;
            for (Format.Builder spec : specs.values()) {
                m.put(spec.name(), spec.build(slot++));
            }
            return new Formats(m);
        }
    }
}
