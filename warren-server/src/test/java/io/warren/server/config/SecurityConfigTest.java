package io.warren.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Security options from flags, environment and the YAML file, with validation. */
class SecurityConfigTest {

    @Test
    void defaultsAreOpenButBounded() {
        SecurityOptions s = WarrenConfig.parse(new String[0], Map.of()).security();
        assertThat(s.jwt()).isNull();
        assertThat(s.callback()).isNull();
        assertThat(s.rulesConfigured()).isFalse();
        assertThat(s.allowedOrigins()).isEmpty();
        assertThat(s.limits().eventsPerSecond()).isEqualTo(200);
        assertThat(s.limits().maxDatagramBytes()).isEqualTo(32 * 1024);
        assertThat(s.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void everySettingFromEveryLayer(@TempDir Path dir) throws Exception {
        Path yml = dir.resolve("w.yml");
        Files.writeString(
                yml,
                String.join(
                        "\n",
                        "allowed-origins: [https://a.example, https://b.example]",
                        "anonymous-subscribe: [/public/**]",
                        "max-datagram: 16k",
                        "events-per-second: 20",
                        "jwt-cookie: wt",
                        ""));
        ServerOptions o = WarrenConfig.parse(
                new String[] {
                    "--config=" + yml,
                    "--jwt-secret=0123456789abcdef0123456789abcdef",
                    "--max-interests=64",
                    "--max-tunnels-per-address=50",
                    "--request-timeout=5s",
                    "--allow-anonymous"
                },
                Map.of(
                        "WARREN_EVENTS_BURST",
                        "100",
                        "WARREN_MAX_PATH_DEPTH",
                        "8",
                        "WARREN_JWT_ISSUER",
                        "https://auth.example/"));
        SecurityOptions s = o.security();
        assertThat(s.allowedOrigins()).containsExactly("https://a.example", "https://b.example");
        assertThat(s.anonymousSubscribe()).containsExactly("/public/**");
        assertThat(s.limits().maxDatagramBytes()).isEqualTo(16 * 1024);
        assertThat(s.limits().eventsPerSecond()).isEqualTo(20);
        assertThat(s.limits().eventsBurst()).isEqualTo(100);
        assertThat(s.limits().maxPathDepth()).isEqualTo(8);
        assertThat(s.limits().maxTunnelsPerAddress()).isEqualTo(50);
        assertThat(o.node().maxInterests()).isEqualTo(64);
        assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.jwt().secret()).isEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(s.jwt().cookie()).isEqualTo("wt");
        assertThat(s.jwt().issuer()).isEqualTo("https://auth.example/");
        assertThat(s.jwt().allowAnonymous()).isTrue();
        assertThat(s.rulesConfigured()).isTrue();

        SecurityOptions cb = WarrenConfig.parse(
                        new String[] {"--auth-callback=http://127.0.0.1:3000/auth", "--auth-callback-headers=X-A, X-B"},
                        Map.of())
                .security();
        assertThat(cb.callback().headers()).isEqualTo(List.of("X-A", "X-B"));
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> WarrenConfig.parse(new String[] {"--anonymous-subscribe=no-slash"}, Map.of()))
                .hasMessageContaining("anonymous-subscribe");
        assertThatThrownBy(() -> WarrenConfig.parse(new String[] {"--max-path-depth=99"}, Map.of()))
                .hasMessageContaining("max-path-depth");
        assertThatThrownBy(() -> WarrenConfig.parse(new String[] {"--auth-callback=ftp://x"}, Map.of()))
                .hasMessageContaining("auth-callback");
        assertThatThrownBy(() -> WarrenConfig.parse(new String[] {"--idle-timeout=forever"}, Map.of()))
                .hasMessageContaining("idle-timeout");
        assertThatThrownBy(() -> io.warren.server.WarrenServer.builder(ServerOptions.defaults()
                                .withSecurity(SecurityOptions.defaults()
                                        .withJwt(new SecurityOptions.Jwt(
                                                "short", null, null, null, null, null, null, null, null, false))))
                        .build())
                .hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> io.warren.server.WarrenServer.builder(ServerOptions.defaults()
                                .withSecurity(SecurityOptions.defaults()
                                        .withCallback(new SecurityOptions.Callback(
                                                java.net.URI.create("http://127.0.0.1:1/a"),
                                                List.of("Host"),
                                                Duration.ofSeconds(1)))))
                        .build())
                .hasMessageContaining("auth-callback-headers");
    }
}
