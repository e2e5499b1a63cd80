package io.warren.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.format.Format;
import io.warren.format.Formats;
import io.warren.server.config.OperationsOptions;
import io.warren.server.config.ServerOptions;
import io.warren.server.config.TlsOptions;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The reload diff alone: old options and new options in, what changes out; no server. */
class ReloadTest {
    private static final ServerOptions CUR =
            ServerOptions.defaults().withPort(8080).withPublishKey("0123456789abcdef");
    private static final OperationsOptions OPS = OperationsOptions.defaults();

    @Test
    void sameOptionsChangeNothing() {
        Reload r = Reload.between(CUR, OPS, CUR, OPS);
        assertThat(r.applied()).isEmpty();
        assertThat(r.restart()).isEmpty();
        assertThat(Reload.running(CUR, CUR)).isEqualTo(CUR);
    }

    @Test
    void engineKeyAndOperationsApplyLiveInThatOrder() {
        ServerOptions next =
                CUR.withNode(CUR.node().withKeepalive(Duration.ofSeconds(5))).withPublishKey("fedcba9876543210");
        Reload r = Reload.between(CUR, OPS, next, OPS.withAdminKey("admin-key-1"));
        assertThat(r.applied()).containsExactly("engine options", "publish-key", "operations options");
        assertThat(r.restart()).isEmpty();
        assertThat(Reload.running(CUR, next)).isEqualTo(next);
    }

    @Test
    void removingThePublishKeyIsAChange() {
        assertThat(Reload.between(CUR, OPS, CUR.withPublishKey(null), OPS).applied())
                .containsExactly("publish-key");
    }

    /** Issue 16: a format's timer is part of its definition; changing it needs a restart, and says so. */
    @Test
    void aChangedFormatTimerIsReportedAsNeedingARestart() {
        Formats.Builder b = Formats.builder();
        b.get("sse").keepaliveInterval(java.time.Duration.ofSeconds(5));
        Reload r = Reload.between(CUR, OPS, CUR.withFormats(b.build()), OPS);
        assertThat(r.restart()).containsExactly("formats");
        assertThat(Reload.between(CUR, OPS, CUR.withFormats(Formats.builtIn()), OPS)
                        .restart())
                .isEmpty();
    }

    @Test
    void listenerThreadsBodyAndFormatsAreReportedAndKept() {
        Formats more = Formats.builder()
                .add(Format.builder("lines").contentType("text/plain").envelope("{datagram}\n"))
                .build();
        ServerOptions next = CUR.withHost("127.0.0.1")
                .withThreads(3)
                .withMaxBody(1024)
                .withFormats(more)
                .withPublishKey("fedcba9876543210");
        Reload r = Reload.between(CUR, OPS, next, OPS);
        assertThat(r.restart()).containsExactly("host/port", "threads", "max-body", "formats");
        assertThat(r.applied()).containsExactly("publish-key");
        ServerOptions running = Reload.running(CUR, next);
        assertThat(running.host()).isEqualTo(CUR.host());
        assertThat(running.threads()).isEqualTo(CUR.threads());
        assertThat(running.maxBody()).isEqualTo(CUR.maxBody());
        assertThat(running.formats()).isSameAs(CUR.formats());
        assertThat(running.publishKey()).isEqualTo("fedcba9876543210");
    }

    @Test
    void aNewPortNeedsARestartButPortZeroKeepsTheBoundOne() {
        assertThat(Reload.between(CUR, OPS, CUR.withPort(9090), OPS).restart()).containsExactly("host/port");
        assertThat(Reload.between(CUR, OPS, CUR.withPort(0), OPS).restart()).isEmpty();
    }

    @Test
    void withTlsOnTheCertificateIsReadAgainAndTurningTlsOnOrOffNeedsARestart() {
        ServerOptions tls = CUR.withTls(new TlsOptions(Path.of("/c.pem"), Path.of("/k.pem")));
        ServerOptions moved = CUR.withTls(new TlsOptions(Path.of("/new/c.pem"), Path.of("/new/k.pem")));
        Reload same = Reload.between(tls, OPS, tls, OPS);
        assertThat(same.tls()).isTrue();
        assertThat(same.applied()).containsExactly("tls certificate");
        assertThat(Reload.running(tls, moved).tls()).as("renewed at new paths").isEqualTo(moved.tls());

        assertThat(Reload.between(CUR, OPS, CUR, OPS).tls())
                .as("plain stays plain")
                .isFalse();
        Reload on = Reload.between(CUR, OPS, tls, OPS);
        assertThat(on.tls()).isFalse();
        assertThat(on.restart()).containsExactly("tls on/off");
        assertThat(Reload.running(CUR, tls).tls()).isNull();
        Reload off = Reload.between(tls, OPS, CUR, OPS);
        assertThat(off.restart()).containsExactly("tls on/off");
        assertThat(Reload.running(tls, CUR).tls()).isEqualTo(tls.tls());
    }
}
