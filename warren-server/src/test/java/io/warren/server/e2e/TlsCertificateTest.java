package io.warren.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warren.server.WarrenServer;
import io.warren.server.config.ServerOptions;
import io.warren.server.config.TlsOptions;
import io.warren.server.config.WarrenConfig;
import io.warren.server.support.SelfSigned;
import io.warren.server.support.TestServer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certificate: checked at start (naming the option), re-read on reload for new connections only. */
class TlsCertificateTest {
    @TempDir
    Path dir;

    @Test
    void reloadServesTheRenewedCertificateToNewConnectionsWhileOpenOnesKeepTheirs() throws Exception {
        SelfSigned first = SelfSigned.create(dir, "first");
        SelfSigned second = SelfSigned.create(dir, "second");
        Path cert = dir.resolve("live.crt");
        Path key = dir.resolve("live.key");
        install(first, cert, key);
        try (TestServer server = TestServer.start(o -> o.withTls(new TlsOptions(cert, key)))) {
            String base = "https://127.0.0.1:" + server.port();
            HttpClient before = client(first, second);
            HttpResponse<InputStream> tunnel = before.send(
                    HttpRequest.newBuilder(URI.create(base + "/tunnel?new=1&format=stream&subscribe=/r/*"))
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(peer(tunnel)).isEqualTo("CN=first");

            install(second, cert, key);
            WarrenServer s = server.server();
            assertThat(s.reconfigure(s.options(), s.operations().options())).contains("tls certificate");

            assertThat(peer(client(first, second).send(get(base + "/healthz"), HttpResponse.BodyHandlers.ofString())))
                    .as("a new connection gets the new certificate")
                    .isEqualTo("CN=second");
            assertThat(peer(before.send(get(base + "/healthz"), HttpResponse.BodyHandlers.ofString())))
                    .as("the open connection keeps its certificate")
                    .isEqualTo("CN=first");
            // ...and its tunnel still delivers.
            before.send(
                    HttpRequest.newBuilder(URI.create(base + "/publish"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"path\":\"/r/1\",\"data\":\"after\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            try (InputStream in = tunnel.body()) {
                StringBuilder seen = new StringBuilder();
                byte[] buf = new byte[4096];
                while (!seen.toString().contains("\"after\"")) {
                    int n = in.read(buf);
                    assertThat(n)
                            .as("the tunnel ended before the datagram: %s", seen)
                            .isPositive();
                    seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            }

            // A broken key at reload is refused whole: the running certificate stays.
            Files.writeString(key, "not a key");
            assertThatThrownBy(() -> s.reconfigure(s.options(), s.operations().options()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("tls-key");
            assertThat(peer(client(first, second).send(get(base + "/healthz"), HttpResponse.BodyHandlers.ofString())))
                    .isEqualTo("CN=second");
        }
    }

    @Test
    void aMissingUnreadableOrMismatchedCertificateFailsAtStartNamingTheOption() throws Exception {
        SelfSigned a = SelfSigned.create(dir, "a");
        SelfSigned b = SelfSigned.create(dir, "b");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "-----BEGIN CERTIFICATE-----\nnope\n");
        Path rsaLegacy = Files.writeString(
                dir.resolve("legacy.key"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        assertRefused(new TlsOptions(dir.resolve("none.crt"), a.key()), "tls-cert", "no such file");
        assertRefused(new TlsOptions(garbage, a.key()), "tls-cert", "no PEM certificate");
        assertRefused(new TlsOptions(a.cert(), dir.resolve("none.key")), "tls-key", "no such file");
        assertRefused(new TlsOptions(a.cert(), a.cert()), "tls-key", "no PEM private key");
        assertRefused(new TlsOptions(a.cert(), rsaLegacy), "tls-key", "openssl pkcs8");
        assertRefused(new TlsOptions(a.cert(), b.key()), "tls-key", "is not the private key");
    }

    @Test
    void bothOptionsOrNeither() {
        assertThatThrownBy(() -> WarrenConfig.parse(new String[] {"--tls-cert=/x.pem"}, Map.of()))
                .hasMessageContaining("tls-key is required with tls-cert");
        assertThatThrownBy(() -> WarrenConfig.parse(new String[] {"--tls-key=/x.pem"}, Map.of()))
                .hasMessageContaining("tls-cert is required with tls-key");
        ServerOptions o = WarrenConfig.parse(new String[] {"--tls-cert=/c.pem", "--tls-key=/k.pem"}, Map.of());
        assertThat(o.tls()).isEqualTo(new TlsOptions(Path.of("/c.pem"), Path.of("/k.pem")));
        assertThat(WarrenConfig.parse(new String[] {}, Map.of()).tls()).isNull();
    }

    private static void assertRefused(TlsOptions tls, String option, String why) {
        assertThatThrownBy(() -> WarrenServer.builder(ServerOptions.defaults()
                                .withHost("127.0.0.1")
                                .withPort(0)
                                .withTls(tls))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(option + ":")
                .hasMessageContaining(why);
    }

    private static void install(SelfSigned s, Path cert, Path key) throws Exception {
        Files.copy(s.cert(), cert, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(s.key(), key, StandardCopyOption.REPLACE_EXISTING);
    }

    private static HttpClient client(SelfSigned... trusted) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_2)
                .sslContext(SelfSigned.trusting(trusted))
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    private static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .build();
    }

    private static String peer(HttpResponse<?> r) throws Exception {
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        return ((X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0])
                .getSubjectX500Principal()
                .getName();
    }
}
