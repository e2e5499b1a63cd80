package io.warren.examples;

import io.warren.ErrorCode;
import io.warren.api.NodeListener;
import io.warren.api.TunnelView;
import io.warren.format.Format;
import io.warren.path.PathPattern;
import io.warren.server.WarrenServer;
import io.warren.server.config.ServerOptions;
import io.warren.spi.Authenticator;
import io.warren.spi.Identity;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An application that embeds Warren: it starts the server from code, lets in only requests that name a
 * user, watches tunnels open, close and subscribe, and publishes the time to {@code /time} every second.
 *
 * <pre>
 * mvn -q -pl examples -am package -DskipTests
 * java -cp "examples/target/classes:warren-server/target/warren.jar" io.warren.examples.EmbeddedApp 8090
 * curl -N 'http://127.0.0.1:8090/tunnel?format=stream&new=1&subscribe=/time&user=ada'
 * </pre>
 */
public final class EmbeddedApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedApp.class);
    private static final Pattern USER = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

    private final WarrenServer server;
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "example-clock");
        t.setDaemon(true);
        return t;
    });

    private EmbeddedApp(WarrenServer server) {
        this.server = server;
    }

    /** Starts Warren on {@code host:port} (0: any free port) with this application's policy and listener. */
    public static EmbeddedApp start(String host, int port, NodeListener extra) {
        // 1. Who may open a tunnel: here, any request naming a user (a real application checks a session
        //    cookie or a token). Asynchronous: a database or an identity provider may answer later.
        Authenticator users = request -> {
            String user = request.query("user");
            if (user == null || !USER.matcher(user).matches()) {
                return CompletableFuture.failedFuture(ErrorCode.UNAUTHORIZED.exception("name a user: ?user=NAME"));
            }
            return CompletableFuture.completedFuture(new Identity(user, Map.of()));
        };
        // 2. What happens to tunnels: hooks run on Warren's threads, so they only log and count.
        NodeListener watcher = new NodeListener() {
            @Override
            public void tunnelOpened(TunnelView t) {
                log.info(
                        "tunnel {} opened for {} (client {})",
                        t.redactedId(),
                        t.identity().subject(),
                        t.clientId());
            }

            @Override
            public void tunnelClosed(TunnelView t) {
                log.info("tunnel {} of {} closed", t.redactedId(), t.identity().subject());
            }

            @Override
            public void subscribed(TunnelView t, PathPattern p) {
                log.info("{} subscribed to {}", t.identity().subject(), p);
            }

            @Override
            public void attached(TunnelView t, Format f) {
                log.debug("{} attached over {}", t.identity().subject(), f.name());
            }
        };
        WarrenServer server = WarrenServer.builder(
                        ServerOptions.defaults().withHost(host).withPort(port))
                .authenticator(users)
                .listener(NodeListener.all(java.util.List.of(watcher, extra)))
                .build()
                .start();
        EmbeddedApp app = new EmbeddedApp(server);
        // 3. Publish from code: any JSON value, to any path; interested tunnels get it at once.
        app.clock.scheduleAtFixedRate(
                () -> server.publish("/time", "\"" + Instant.now() + "\""), 1, 1, TimeUnit.SECONDS);
        return app;
    }

    public int port() {
        return server.port();
    }

    public WarrenServer server() {
        return server;
    }

    /** Stops the clock, then Warren (tunnels get /meta/close with reason shutdown). */
    @Override
    public void close() {
        clock.shutdownNow();
        server.close();
    }

    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8090;
        EmbeddedApp app = start("127.0.0.1", port, NodeListener.NONE);
        System.out.println("Embedded Warren on http://127.0.0.1:" + app.port()
                + "/tunnel?format=stream&new=1&subscribe=/time&user=ada");
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "example-shutdown"));
        Thread.currentThread().join();
    }
}
