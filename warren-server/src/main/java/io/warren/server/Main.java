package io.warren.server;

import io.warren.server.config.OperationsOptions;
import io.warren.server.config.WarrenConfig;
import io.warren.server.ops.Logging;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * {@code warren [--key=value ...]}: starts a server and runs until SIGTERM or SIGINT.
 *
 * <ul>
 *   <li>Exit code 2: the configuration is invalid (the message names the key and value); nothing started.</li>
 *   <li>Exit code 1: the server could not start (the port is taken, for instance).</li>
 *   <li>SIGTERM / SIGINT: graceful shutdown (stop accepting, {@code /meta/close} with reason
 *   {@code shutdown} to every tunnel, let queued events go out), bounded by {@code shutdown-timeout};
 *   the process halts if it takes longer than that plus five seconds.</li>
 *   <li>SIGHUP (or {@code POST /admin/reload}): re-reads flags, environment and file and applies what can
 *   change live; an invalid configuration is refused whole and the running one kept.</li>
 * </ul>
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> env = System.getenv();
        WarrenConfig.Loaded loaded;
        try {
            loaded = WarrenConfig.load(args, env, System.out);
        } catch (CommandLine.ParameterException | IllegalArgumentException e) {
            System.err.println("warren: " + e.getMessage());
            System.err.println("Try 'warren --help' for the options.");
            System.exit(2);
            return;
        }
        if (loaded == null) {
            return;
        }
        for (String name : WarrenConfig.unknownEnvironment(env)) {
            System.err.println("warren: warning: environment variable " + name + " names no option; ignored");
        }
        OperationsOptions ops = loaded.operations();
        Logging.apply(ops.logLevel(), ops.logFormat());
        Logger log = LoggerFactory.getLogger(Main.class);
        for (String warning : loaded.warnings()) {
            log.warn("configuration: {}", warning);
        }

        WarrenServer server;
        try {
            server = WarrenServer.builder(loaded.server())
                    .operations(ops)
                    .hooks(loaded.hooks())
                    .build()
                    .start();
        } catch (IllegalArgumentException e) {
            // Security settings are checked as the server is built (keys, secrets): a configuration error.
            System.err.println("warren: " + e.getMessage());
            System.exit(2);
            return;
        } catch (Throwable e) {
            System.err.println("warren: cannot start: " + e);
            System.exit(1);
            return;
        }
        server.operations().reloader(() -> reload(server, args, env));
        onHangup(() -> {
            try {
                reload(server, args, env);
            } catch (RuntimeException e) {
                log.error("configuration reload refused, the running configuration stays: {}", e.getMessage());
            }
        });

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            long bound = server.operations()
                                            .options()
                                            .shutdownTimeout()
                                            .toMillis()
                                    + 5000;
                            Thread watchdog = new Thread(
                                    () -> {
                                        try {
                                            Thread.sleep(bound);
                                            System.err.println(
                                                    "warren: shutdown took longer than " + bound + " ms; halting");
                                            Runtime.getRuntime().halt(1);
                                        } catch (InterruptedException ignored) {
                                            // shutdown finished in time
                                        }
                                    },
                                    "warren-shutdown-watchdog");
                            watchdog.setDaemon(true);
                            watchdog.start();
                            log.info("shutting down: closing tunnels with reason 'shutdown'");
                            server.close();
                            log.info("stopped");
                            watchdog.interrupt();
                            stopped.countDown();
                        },
                        "warren-shutdown"));
        stopped.await();
    }

    private static List<String> reload(WarrenServer server, String[] args, Map<String, String> env) {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        WarrenConfig.Loaded next;
        try {
            next = WarrenConfig.load(args, env, quiet);
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (next == null) {
            return List.of();
        }
        Logging.apply(next.operations().logLevel(), next.operations().logFormat());
        return server.reconfigure(next.server(), next.operations());
    }

    /**
     * Runs {@code action} on SIGHUP where the JVM lets us (jdk.unsupported's sun.misc.Signal). Reached by
     * reflection because javac's "internal proprietary API" warning cannot be suppressed, and the build
     * fails on warnings; no supported API handles signals.
     */
    private static void onHangup(Runnable action) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object onSignal = java.lang.reflect.Proxy.newProxyInstance(
                    handler.getClassLoader(),
                    new Class<?>[] {handler},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "handle" -> {
                            action.run();
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> "SIGHUP reload";
                    });
            signal.getMethod("handle", signal, handler)
                    .invoke(null, signal.getConstructor(String.class).newInstance("HUP"), onSignal);
        } catch (java.lang.reflect.InvocationTargetException e) {
            LoggerFactory.getLogger(Main.class)
                    .warn("SIGHUP reload unavailable: {}", e.getCause().getMessage());
        } catch (ReflectiveOperationException | RuntimeException e) {
            LoggerFactory.getLogger(Main.class).warn("SIGHUP reload unavailable: {}", e.toString());
        }
    }
}
