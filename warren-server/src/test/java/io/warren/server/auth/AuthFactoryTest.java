package io.warren.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warren.path.Path;
import io.warren.path.PathPattern;
import io.warren.server.config.SecurityOptions;
import io.warren.spi.Authorizer;
import io.warren.spi.Identity;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the security options build, without a server. */
class AuthFactoryTest {
    private static final SecurityOptions.Jwt JWT = new SecurityOptions.Jwt(
            "0123456789abcdef0123456789abcdef",
            null,
            null,
            null,
            Duration.ofMinutes(5),
            null,
            null,
            null,
            Duration.ofSeconds(30),
            false,
            true);
    private static final SecurityOptions.Callback CALLBACK =
            new SecurityOptions.Callback(URI.create("http://127.0.0.1:9/auth"), List.of(), Duration.ofSeconds(1));

    @Test
    void nothingConfiguredLetsEveryoneInAndAllowsAll() {
        SecurityOptions none = SecurityOptions.defaults();
        assertThat(AuthFactory.authenticator(none)
                        .authenticate(null)
                        .toCompletableFuture()
                        .join())
                .isSameAs(Identity.ANONYMOUS);
        assertThat(allowed(AuthFactory.authorizer(none).canPublish(Identity.ANONYMOUS, Path.of("/any"))))
                .isTrue();
    }

    @Test
    void jwtWinsOverTheCallbackAndTheCallbackStandsAlone() {
        assertThat(AuthFactory.authenticator(
                        SecurityOptions.defaults().withJwt(JWT).withCallback(CALLBACK)))
                .isInstanceOf(JwtAuthenticator.class);
        assertThat(AuthFactory.authenticator(SecurityOptions.defaults().withCallback(CALLBACK)))
                .isInstanceOf(CallbackAuthenticator.class);
    }

    @Test
    void anyRuleTurnsTheAuthorizerToDenyByDefault() {
        Authorizer rules =
                AuthFactory.authorizer(SecurityOptions.defaults().withAnonymous(List.of("/public/**"), List.of()));
        assertThat(allowed(rules.canSubscribe(Identity.ANONYMOUS, PathPattern.parse("/public/**", false))))
                .isTrue();
        assertThat(allowed(rules.canSubscribe(Identity.ANONYMOUS, PathPattern.parse("/private", false))))
                .isFalse();
        assertThat(allowed(rules.canPublish(Identity.ANONYMOUS, Path.of("/public/a"))))
                .isFalse();
        Authorizer jwtOnly = AuthFactory.authorizer(SecurityOptions.defaults().withJwt(JWT));
        assertThat(allowed(jwtOnly.canPublish(Identity.ANONYMOUS, Path.of("/any"))))
                .isFalse();
    }

    @Test
    void aSecretTooShortFailsWhenBuilt() {
        SecurityOptions weak = SecurityOptions.defaults()
                .withJwt(new SecurityOptions.Jwt(
                        "short",
                        null,
                        null,
                        null,
                        Duration.ofMinutes(5),
                        null,
                        null,
                        null,
                        Duration.ofSeconds(30),
                        false,
                        true));
        assertThatThrownBy(() -> AuthFactory.authenticator(weak)).isInstanceOf(IllegalArgumentException.class);
    }

    private static boolean allowed(java.util.concurrent.CompletionStage<Boolean> stage) {
        return stage.toCompletableFuture().join();
    }
}
