package io.warren.server;

import io.warren.server.config.WarrenConfig;
import picocli.CommandLine;

import java.util.concurrent.CountDownLatch;

/** {@code warren [--key=value ...]}: starts a server and runs until SIGTERM or SIGINT. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        ServerOptions options;
        try {
            options = WarrenConfig.parse(args, System.getenv());
        } catch (CommandLine.ParameterException | IllegalArgumentException e) {
            System.err.println("warren: " + e.getMessage());
            System.err.println("Try 'warren --help' for the options.");
            System.exit(2);
            return;
        }
        if (options == null) {
            return;
        }
        WarrenServer server;
        try {
            server = WarrenServer.builder(options).build().start();
        } catch (IllegalArgumentException e) {
            System.err.println("warren: " + e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "warren-shutdown"));
        stopped.await();
    }
}
