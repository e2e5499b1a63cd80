package io.warren.server;

import io.warren.format.Format;
import io.warren.server.config.OperationsOptions;
import io.warren.server.config.ServerOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a configuration reload changes, computed from the running and the new options alone (no server):
 * the engine's options, the publish key, the operations options and the TLS certificate change live;
 * host/port, threads, max-body, formats (any key of any format, timers included) and turning TLS on or
 * off need a restart and are only reported.
 *
 * @param engine     the engine's timers and replay bounds differ
 * @param publishKey the publish key differs
 * @param operations any operations option differs
 * @param tls        TLS stays on: its certificate and key are read again (a renewal at the same paths)
 * @param restart    what differs but is kept until a restart, in the order reported
 */
record Reload(boolean engine, boolean publishKey, boolean operations, boolean tls, List<String> restart) {

    Reload {
        restart = List.copyOf(restart);
    }

    static Reload between(ServerOptions cur, OperationsOptions curOps, ServerOptions next, OperationsOptions nextOps) {
        List<String> restart = new ArrayList<>();
        // Port 0 ("any free port") keeps the port bound.
        if (!cur.host().equals(next.host()) || (cur.port() != next.port() && next.port() != 0)) {
            restart.add("host/port");
        }
        if (cur.threads() != next.threads()) {
            restart.add("threads");
        }
        if (cur.maxBody() != next.maxBody()) {
            restart.add("max-body");
        }
        if (!formatDefinitions(cur).equals(formatDefinitions(next))) {
            restart.add("formats");
        }
        if ((cur.tls() == null) != (next.tls() == null)) {
            restart.add("tls on/off");
        }
        return new Reload(
                !cur.node().equals(next.node()),
                !Objects.equals(cur.publishKey(), next.publishKey()),
                !curOps.equals(nextOps),
                cur.tls() != null && next.tls() != null,
                restart);
    }

    /** A line per change applied live, as {@link WarrenServer#reconfigure} reports them. */
    List<String> applied() {
        List<String> applied = new ArrayList<>();
        if (engine) {
            applied.add("engine options");
        }
        if (publishKey) {
            applied.add("publish-key");
        }
        if (operations) {
            applied.add("operations options");
        }
        if (tls) {
            applied.add("tls certificate");
        }
        return applied;
    }

    /** The options the server runs with afterwards: the running ones with what changed live. */
    static ServerOptions running(ServerOptions cur, ServerOptions next) {
        ServerOptions running = cur.withPublishKey(next.publishKey()).withNode(next.node());
        return cur.tls() != null && next.tls() != null ? running.withTls(next.tls()) : running;
    }

    private static List<String> formatDefinitions(ServerOptions o) {
        return o.formats().all().stream().map(Format::definition).toList();
    }
}
