package io.warren.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.warren.server.config.SecurityOptions;
import io.warren.server.support.TestServer;
import io.warren.server.support.Tokens;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, finding 11: the auth callback and JWKS clients bound the answer's body while reading it and
 * give the whole exchange one deadline. A real local HTTP server trickles or floods its answers.
 */
class AuthClientBoundsTest {
    static final int HUGE = 30 * 1024 * 1024;

    private final AtomicLong written = new AtomicLong();
    private ExecutorService pool;
    private CountDownLatch handlerDone;
    private HttpServer app;

    @AfterEach
    void stop() {
        if (app != null) {
            app.stop(0);
            pool.shutdownNow();
            app = null;
        }
    }

    /** An application answering 200 whose body arrives one byte every 100 ms for {@code seconds}. */
    URI trickling(int seconds) throws IOException {
        return serve(
                out -> {
                    out.write('{');
                    for (int i = 0; i < seconds * 10; i++) {
                        out.write(' ');
                        out.flush();
                        written.incrementAndGet();
                        sleepQuietly(100);
                    }
                    out.write('}');
                },
                0);
    }

    /** An application answering 200 with a 30 MB body (chunked, or with its Content-Length). */
    URI flooding(boolean announced) throws IOException {
        return serve(
                out -> {
                    byte[] chunk = new byte[64 * 1024];
                    java.util.Arrays.fill(chunk, (byte) ' ');
                    out.write('{');
                    for (int sent = 1; sent < HUGE - 1; sent += chunk.length) {
                        int n = Math.min(chunk.length, HUGE - 1 - sent);
                        out.write(chunk, 0, n);
                        written.addAndGet(n);
                    }
                    out.write('}');
                },
                announced ? HUGE : 0);
    }

    interface Body {
        void write(OutputStream out) throws IOException;
    }

    URI serve(Body body, long length) throws IOException {
        pool = Executors.newCachedThreadPool();
        handlerDone = new CountDownLatch(1);
        app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        app.setExecutor(pool);
        app.createContext("/", ex -> {
            try (ex) {
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, length);
                body.write(ex.getResponseBody());
            } catch (IOException cut) {
                // Warren closed the connection: what we measure.
            } finally {
                handlerDone.countDown();
            }
        });
        app.start();
        return URI.create("http://127.0.0.1:" + app.getAddress().getPort() + "/answer");
    }

    static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms); // the trickle itself, on the application's side
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static TestServer withCallback(URI url, Duration timeout) {
        SecurityOptions.Callback cb = new SecurityOptions.Callback(url, List.of(), timeout);
        return TestServer.start(o -> o.withSecurity(SecurityOptions.defaults().withCallback(cb)));
    }

    @Test
    void finding11_callbackTimeoutCoversATricklingBody() throws Exception {
        try (TestServer server = withCallback(trickling(10), Duration.ofSeconds(1))) {
            long start = System.nanoTime();
            TestServer.Response r = server.get("/tunnel?format=longpoll&new=1");
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(r.status()).as(r.body()).isEqualTo(503);
            assertThat(r.json().get("error").asText()).isEqualTo("overloaded");
            assertThat(r.json().get("message").asText()).contains("did not answer within 1000 ms");
            assertThat(tookMs)
                    .as("the 1 s deadline covers the body, not only the headers")
                    .isLessThan(4000);
            assertThat(server.server().node().tunnelCount()).isZero();
        }
    }

    @Test
    void finding11_callbackBodyIsBoundedWhileReading() throws Exception {
        for (boolean announced : new boolean[] {false, true}) {
            written.set(0);
            try (TestServer server = withCallback(flooding(announced), Duration.ofSeconds(10))) {
                TestServer.Response r = server.get("/tunnel?format=longpoll&new=1");
                assertThat(r.status()).as(r.body()).isEqualTo(503);
                assertThat(r.json().get("message").asText()).contains("more than 64 KiB");
                assertThat(handlerDone.await(20, TimeUnit.SECONDS))
                        .as("the application's write was cut off")
                        .isTrue();
                // Socket buffers take a few MB at most; the old client read all 30 MB.
                assertThat(written.get())
                        .as("bytes the application got to send (announced=%s)", announced)
                        .isLessThan(8L << 20);
                assertThat(server.server().node().tunnelCount()).isZero();
            } finally {
                stop();
            }
        }
    }

    @Test
    void finding11_jwksFetchIsBoundedInSize() throws Exception {
        URI jwks = flooding(false);
        SecurityOptions.Jwt jwt = new SecurityOptions.Jwt(
                null, null, null, jwks, Duration.ofMinutes(5), null, null, null, Duration.ZERO, false);
        try (TestServer server =
                TestServer.start(o -> o.withSecurity(SecurityOptions.defaults().withJwt(jwt)))) {
            String token = Tokens.es256(Tokens.ec("k1"), Tokens.claims("a", 60, List.of("/x"), null));
            TestServer.Response r = server.get("/tunnel?format=longpoll&new=1", "Authorization", "Bearer " + token);
            assertThat(r.status()).as(r.body()).isEqualTo(401);
            assertThat(handlerDone.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(written.get())
                    .as("bytes of the 30 MB JWKS sent before the cut")
                    .isLessThan(8L << 20);
        }
    }

    @Test
    void finding11_jwksFetchHasOneDeadlineForTheWholeAnswer() throws Exception {
        URI jwks = trickling(20);
        SecurityOptions.Jwt jwt = new SecurityOptions.Jwt(
                null, null, null, jwks, Duration.ofMinutes(5), null, null, null, Duration.ZERO, false);
        try (TestServer server =
                TestServer.start(o -> o.withSecurity(SecurityOptions.defaults().withJwt(jwt)))) {
            String token = Tokens.es256(Tokens.ec("k1"), Tokens.claims("a", 60, List.of("/x"), null));
            long start = System.nanoTime();
            TestServer.Response r = server.get("/tunnel?format=longpoll&new=1", "Authorization", "Bearer " + token);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(r.status()).as(r.body()).isEqualTo(401);
            assertThat(tookMs)
                    .as("the 5 s fetch deadline covers the body of a 20 s trickle")
                    .isLessThan(10_000);
        }
    }
}
