package io.warren.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warren.ErrorCode;
import io.warren.WarrenException;
import io.warren.path.Path;
import io.warren.path.PathPattern;
import io.warren.spi.Authenticator;
import io.warren.spi.Identity;
import io.warren.spi.MapOpenRequest;
import io.warren.spi.OpenRequest;
import io.warren.spi.Permissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every built-in {@link Authenticator} guarantees, run against each implementation: refusal without
 * credentials ({@code unauthorized}), an identity carrying {@link Permissions} and expiry for valid ones,
 * refusal of expired or forged ones, and a stage rather than a blocking call.
 */
abstract class AuthenticatorContract {

    /** The authenticator under test. */
    abstract Authenticator authenticator();

    /** A request with credentials for subject {@code sub}, allowed to subscribe and publish under /contract/**, valid for {@code ttl}. */
    abstract OpenRequest valid(String sub, Duration ttl);

    /** Credentials that look right but must be refused (wrong signature, unknown session). */
    abstract OpenRequest forged();

    static OpenRequest request(Map<String, String> headers, Map<String, String> query, Map<String, String> cookies) {
        return new MapOpenRequest("127.0.0.1", headers, query, cookies);
    }

    private static Identity join(java.util.concurrent.CompletionStage<Identity> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static ErrorCode refusal(java.util.concurrent.CompletionStage<Identity> stage) {
        CompletableFuture<Identity> f = stage.toCompletableFuture();
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> f.get(10, TimeUnit.SECONDS));
        assertThat(t).as("refused").isNotNull();
        Throwable cause =
                t.getCause() instanceof CompletionException && t.getCause().getCause() != null
                        ? t.getCause().getCause()
                        : t.getCause();
        assertThat(cause).isInstanceOf(WarrenException.class);
        return ((WarrenException) cause).code();
    }

    @Test
    void refusesARequestWithoutCredentials() {
        assertThat(refusal(authenticator().authenticate(request(Map.of(), Map.of(), Map.of()))))
                .isEqualTo(ErrorCode.UNAUTHORIZED);
    }

    @Test
    void refusesForgedCredentials() {
        assertThat(refusal(authenticator().authenticate(forged()))).isIn(ErrorCode.UNAUTHORIZED, ErrorCode.FORBIDDEN);
    }

    @Test
    void validCredentialsGiveSubjectPermissionsAndExpiry() throws Exception {
        Identity id = join(authenticator().authenticate(valid("contract-user", Duration.ofMinutes(5))));
        assertThat(id.subject()).isEqualTo("contract-user");
        assertThat(id.isAnonymous()).isFalse();
        Permissions p = (Permissions) id.attributes().get(Permissions.ATTRIBUTE);
        assertThat(p.allowsSubscribe(PathPattern.parse("/contract/a/*"))).isTrue();
        assertThat(p.allowsSubscribe(PathPattern.parse("/other/*"))).isFalse();
        assertThat(p.allowsPublish(Path.of("/contract/x"))).isTrue();
        assertThat(p.allowsPublish(Path.of("/other"))).isFalse();
        assertThat(id.expiresAt())
                .isBetween(Instant.now().plusSeconds(240), Instant.now().plusSeconds(360));
    }

    @Test
    void authenticationIsAStageNotACall() {
        // Any thread may call it, concurrently; the answer comes as a stage.
        var stages = java.util.stream.IntStream.range(0, 8)
                .parallel()
                .mapToObj(i -> authenticator()
                        .authenticate(valid("u" + i, Duration.ofMinutes(5)))
                        .toCompletableFuture())
                .toList();
        assertThat(stages).allSatisfy(s -> assertThat(s.join().subject()).startsWith("u"));
        assertThatThrownBy(() -> authenticator()
                        .authenticate(forged())
                        .toCompletableFuture()
                        .join())
                .isInstanceOf(CompletionException.class);
    }
}
