package io.warren.server.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.server.support.SelfSigned;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS from the real {@code warren.jar}: BoringSSL from the jar, the JDK's TLS without it, SIGHUP renewal. */
class TlsProcessIT {
    @TempDir
    Path dir;

    @Test
    void servesH2WithBoringSslAndRenewsTheCertificateOnSighup() throws Exception {
        SelfSigned first = SelfSigned.create(dir, "first");
        SelfSigned second = SelfSigned.create(dir, "second");
        Path cert = Files.copy(first.cert(), dir.resolve("live.crt"));
        Path key = Files.copy(first.key(), dir.resolve("live.key"));
        try (WarrenProcess p = WarrenProcess.start(
                Map.of(), "--host=127.0.0.1", "--port=0", "--tls-cert=" + cert, "--tls-key=" + key)) {
            int port = p.awaitPort();
            assertThat(p.output())
                    .as("the jar carries netty-tcnative for this machine")
                    .contains("(BoringSSL)", "https: h2, http/1.1");
            assertThat(peer(port, first, second)).isEqualTo("CN=first");

            Files.copy(second.cert(), cert, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(second.key(), key, StandardCopyOption.REPLACE_EXISTING);
            p.signal("HUP");
            p.awaitLine(Pattern.compile("configuration reloaded: .*tls certificate"), Duration.ofSeconds(10));
            assertThat(peer(port, first, second)).isEqualTo("CN=second");
        }
    }

    @Test
    void fallsBackToTheJdkProviderWithoutBoringSsl() throws Exception {
        SelfSigned s = SelfSigned.create(dir, "jdk");
        try (WarrenProcess p = WarrenProcess.start(
                List.of("-Dio.netty.handler.ssl.noOpenSsl=true"),
                Map.of(),
                "--host=127.0.0.1",
                "--port=0",
                "--tls-cert=" + s.cert(),
                "--tls-key=" + s.key())) {
            int port = p.awaitPort();
            assertThat(p.output()).contains("(JDK provider)");
            assertThat(peer(port, s)).isEqualTo("CN=jdk");
        }
    }

    /** The subject of the certificate a new HTTP/2 connection is served, asserting h2 was negotiated. */
    private static String peer(int port, SelfSigned... trusted) throws Exception {
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_2)
                .sslContext(SelfSigned.trusting(trusted))
                .build();
        HttpResponse<String> r = client.send(
                HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/healthz"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        return ((X509Certificate) r.sslSession().orElseThrow().getPeerCertificates()[0])
                .getSubjectX500Principal()
                .getName();
    }
}
