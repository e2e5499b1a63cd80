package io.warren.server.auth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Calls to services Warren depends on (the auth callback, a JWKS URL) with two bounds the JDK client does
 * not give: one deadline for the whole exchange, body included ({@link HttpRequest#timeout} stops at the
 * response headers, so a trickling body could hold an open indefinitely), and a body size enforced while
 * reading (a {@code Content-Length} over it is refused before any byte; a longer body is cut off the
 * moment it passes the bound), never after buffering it. Past either bound the exchange is cancelled and
 * its connection closed; the stage fails with {@link TimeoutException} or {@link TooLarge}.
 */
final class BoundedHttp {
    private BoundedHttp() {}

    /** The answer was larger than allowed. */
    static final class TooLarge extends IOException {
        TooLarge(int max) {
            super("the answer is larger than " + max + " bytes");
        }
    }

    /** The {@code type} in {@code e}'s cause chain (the JDK client wraps what a body subscriber fails with), or null. */
    static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** Sends {@code request}; the answer's body, as UTF-8, must arrive within {@code deadline} and {@code maxBytes}. */
    static CompletableFuture<HttpResponse<String>> send(
            HttpClient http, HttpRequest request, int maxBytes, Duration deadline) {
        AtomicReference<Collector> body = new AtomicReference<>();
        CompletableFuture<HttpResponse<String>> sent = http.sendAsync(request, info -> {
            Collector c = new Collector(maxBytes);
            body.set(c);
            if (info.headers().firstValueAsLong("Content-Length").orElse(0) > maxBytes) {
                c.fail(new TooLarge(maxBytes));
            }
            return c;
        });
        CompletableFuture<HttpResponse<String>> result = new CompletableFuture<>();
        sent.whenComplete((r, e) -> {
            if (e != null) {
                result.completeExceptionally(e);
            } else {
                result.complete(r);
            }
        });
        result.orTimeout(Math.max(1, deadline.toMillis()), TimeUnit.MILLISECONDS)
                .whenComplete((r, e) -> {
                    if (e != null) {
                        Collector c = body.get();
                        if (c != null) {
                            c.fail(e); // cancels the subscription: the connection is closed, nothing more is read
                        }
                        sent.cancel(true);
                    }
                });
        return result;
    }

    /** Collects the body up to {@code max} bytes; one more byte fails it and cancels the exchange. */
    static final class Collector implements HttpResponse.BodySubscriber<String> {
        private final int max;
        private final CompletableFuture<String> result = new CompletableFuture<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private volatile Flow.Subscription subscription;

        Collector(int max) {
            this.max = max;
        }

        void fail(Throwable why) {
            if (result.completeExceptionally(why)) {
                Flow.Subscription s = subscription;
                if (s != null) {
                    s.cancel();
                }
            }
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (result.isDone()) {
                s.cancel();
            } else {
                s.request(1);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer b : items) {
                if (bytes.size() + (long) b.remaining() > max) {
                    fail(new TooLarge(max));
                    return;
                }
                byte[] a = new byte[b.remaining()];
                b.get(a);
                bytes.write(a, 0, a.length);
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toString(StandardCharsets.UTF_8));
        }

        @Override
        public java.util.concurrent.CompletionStage<String> getBody() {
            return result;
        }
    }
}
