package io.warren.server.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A stand-in for the application next to Warren (auth callback, JWKS endpoint): the JDK's HTTP server on
 * a free loopback port, answering through a function of the exchange.
 */
public final class AppServer implements AutoCloseable {
    /** What the application answers. */
    public record Answer(int status, String body) {}

    private final HttpServer http;
    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    public AppServer(String path, Function<HttpExchange, Answer> handler) {
        try {
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        http.setExecutor(pool);
        http.createContext(path, ex -> {
            try (ex) {
                Answer a = handler.apply(ex);
                byte[] b = a.body().getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(a.status(), b.length == 0 ? -1 : b.length);
                if (b.length > 0) {
                    ex.getResponseBody().write(b);
                }
            }
        });
        http.start();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + path);
    }

    @Override
    public void close() {
        http.stop(0);
        pool.shutdownNow();
    }
}
