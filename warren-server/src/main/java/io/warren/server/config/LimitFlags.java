package io.warren.server.config;

import static io.warren.server.config.Values.check;
import static io.warren.server.config.Values.positive;

import io.warren.Limits;
import picocli.CommandLine.Option;

/** What one client, one tunnel and one connection may cost: {@code --max-datagram} to {@code --request-timeout}. */
final class LimitFlags {

    @Option(names = "--max-datagram", defaultValue = "32k", description = "Largest data of one datagram.")
    String maxDatagram;

    @Option(names = "--max-interests", defaultValue = "256", description = "Patterns one tunnel may subscribe to.")
    int maxInterests;

    @Option(
            names = "--events-per-second",
            defaultValue = "200",
            description = "Client datagrams per second per tunnel (token bucket; 0 = no limit).")
    int eventsPerSecond;

    @Option(names = "--events-burst", defaultValue = "1000", description = "Token bucket size for client datagrams.")
    int eventsBurst;

    @Option(
            names = "--max-tunnels-per-address",
            defaultValue = "100",
            description = "Tunnels open at once per client address (0 = no limit).")
    int maxTunnelsPerAddress;

    @Option(
            names = "--max-tunnels",
            defaultValue = "auto",
            description = "Tunnels this node holds at once (auto = max heap / 32 KiB; 0 = no limit).")
    String maxTunnels;

    @Option(
            names = "--first-attach-timeout",
            defaultValue = "10s",
            description = "Cull a tunnel whose client never came back after its first connection this soon.")
    String firstAttachTimeout;

    @Option(
            names = "--max-path-length",
            defaultValue = "256",
            description = "Characters of a path or pattern (at most 256).")
    int maxPathLength;

    @Option(
            names = "--max-path-depth",
            defaultValue = "16",
            description = "Segments of a path or pattern (at most 16).")
    int maxPathDepth;

    @Option(names = "--max-header-size", defaultValue = "8k", description = "Bytes of request headers.")
    String maxHeaderSize;

    @Option(names = "--max-initial-line", defaultValue = "4k", description = "Bytes of the request line.")
    String maxInitialLine;

    @Option(
            names = "--idle-timeout",
            defaultValue = "30s",
            description = "Close a connection with no request in progress after this long.")
    String idleTimeout;

    @Option(
            names = "--request-timeout",
            defaultValue = "10s",
            description = "A request's body must arrive within this long after its head.")
    String requestTimeout;

    /** The engine's limits; {@link Limits} checks their ranges and names the key in its message. */
    Limits limits() {
        try {
            return build();
        } catch (IllegalArgumentException e) {
            // Limits names the key itself; rethrown plain, whatever subtype it threw.
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    private Limits build() {
        return Limits.defaults()
                .withMaxDatagramBytes(
                        (int) Math.min(Integer.MAX_VALUE, check("max-datagram", maxDatagram, Units::size)))
                .withEventsPerSecond(eventsPerSecond)
                .withEventsBurst(eventsBurst)
                .withMaxTunnelsPerAddress(maxTunnelsPerAddress)
                .withMaxTunnels(
                        maxTunnels == null || maxTunnels.equals("auto")
                                ? Limits.defaultMaxTunnels()
                                : check("max-tunnels", maxTunnels, Values::count))
                .withFirstAttachTimeout(check("first-attach-timeout", firstAttachTimeout, Units::duration))
                .withMaxPathLength(maxPathLength)
                .withMaxPathDepth(maxPathDepth);
    }

    int maxInterests() {
        return positive("max-interests", maxInterests);
    }

    /** The HTTP bounds of one connection: header sizes (at most 1 MiB) and timeouts. */
    SecurityOptions connection(SecurityOptions s) {
        return s.withMaxHeaderSize((int) Math.min(1 << 20, check("max-header-size", maxHeaderSize, Units::size)))
                .withMaxInitialLine((int) Math.min(1 << 20, check("max-initial-line", maxInitialLine, Units::size)))
                .withTimeouts(
                        check("idle-timeout", idleTimeout, Units::duration),
                        check("request-timeout", requestTimeout, Units::duration));
    }
}
