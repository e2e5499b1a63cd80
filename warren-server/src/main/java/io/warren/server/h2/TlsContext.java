package io.warren.server.h2;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.warren.server.config.TlsOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's TLS: the certificate and key of {@link TlsOptions}, offering ALPN {@code h2} then
 * {@code http/1.1}. Each new connection takes the context current at its accept, so {@link #reload(TlsOptions)}
 * serves a renewed certificate to new connections while open ones keep theirs.
 *
 * <p>BoringSSL (netty-tcnative, an optional dependency that {@code warren.jar} carries) when its native
 * library loads on this machine, else the JDK's provider: on a 2-core machine BoringSSL spent 1.1 ms of
 * server CPU per RSA-2048 handshake against the JDK's 4.4 ms, and encrypted bulk data 2.7 times cheaper
 * (docs/protocol.md, "HTTP/2 and TLS").
 */
public final class TlsContext {
    private static final Logger log = LoggerFactory.getLogger(TlsContext.class);
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private final SslProvider provider;
    private volatile TlsOptions options;
    private volatile SslContext current;

    private TlsContext(TlsOptions options, SslProvider provider, SslContext context) {
        this.options = options;
        this.provider = provider;
        this.current = context;
    }

    /** Reads and checks both files; an {@link IllegalArgumentException} names the option at fault. */
    public static TlsContext load(TlsOptions options) {
        SslProvider provider = SslProvider.isAlpnSupported(SslProvider.OPENSSL) ? SslProvider.OPENSSL : SslProvider.JDK;
        TlsContext c = new TlsContext(options, provider, build(options, provider));
        log.info(
                "TLS on: certificate {} ({}), ALPN h2 and http/1.1",
                options.cert(),
                provider == SslProvider.OPENSSL ? OpenSsl.versionString() : "JDK provider");
        return c;
    }

    /** A handler for a new connection, with the certificate current now. */
    public SslHandler newHandler(ByteBufAllocator alloc) {
        return current.newHandler(alloc);
    }

    /** The handler that follows {@link #newHandler}: installs what ALPN chose once the handshake is done. */
    public static io.netty.channel.ChannelHandler alpn(ProtocolChoice protocols) {
        return new AlpnSelector(protocols);
    }

    /** Which TLS implementation serves: {@code openssl} (BoringSSL) or {@code jdk}. */
    public String provider() {
        return provider == SslProvider.OPENSSL ? "openssl" : "jdk";
    }

    /** Re-reads the files (at {@code next}'s paths): new connections get them; a bad pair is refused, the old kept. */
    public synchronized void reload(TlsOptions next) {
        current = build(next, provider);
        options = next;
        log.info("TLS certificate reloaded from {}", next.cert());
    }

    public TlsOptions options() {
        return options;
    }

    private static SslContext build(TlsOptions o, SslProvider provider) {
        List<X509Certificate> chain = certificates(o.cert());
        PrivateKey key = privateKey(o.key());
        if (!matches(key, chain.get(0))) {
            throw new IllegalArgumentException(
                    "tls-key: " + o.key() + " is not the private key of the certificate in " + o.cert());
        }
        try {
            return SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
                    .sslProvider(provider)
                    .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(
                            ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_2,
                            ApplicationProtocolNames.HTTP_1_1))
                    .build();
        } catch (SSLException | RuntimeException e) {
            throw new IllegalArgumentException("tls-cert/tls-key: cannot be used for TLS: " + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> certificates(Path file) {
        String pem = read("tls-cert", file);
        try {
            List<X509Certificate> chain = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.ISO_8859_1)))
                    .stream()
                    .map(X509Certificate.class::cast)
                    .toList();
            if (chain.isEmpty()) {
                throw new CertificateException("no certificate");
            }
            return chain;
        } catch (CertificateException e) {
            throw new IllegalArgumentException("tls-cert: " + file + " holds no PEM certificate: " + e.getMessage());
        }
    }

    private static PrivateKey privateKey(Path file) {
        Matcher m = BLOCK.matcher(read("tls-key", file));
        while (m.find()) {
            if (m.group(1).equals("PRIVATE KEY")) {
                byte[] der = Base64.getMimeDecoder().decode(m.group(2));
                for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
                    try {
                        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
                    } catch (GeneralSecurityException e) {
                        // try the next algorithm
                    }
                }
            } else if (m.group(1).endsWith("PRIVATE KEY")) {
                throw new IllegalArgumentException("tls-key: " + file + " holds a " + m.group(1)
                        + "; convert it to PKCS#8: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
            }
        }
        throw new IllegalArgumentException(
                "tls-key: " + file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----, RSA, EC or Ed25519)");
    }

    private static boolean matches(PrivateKey key, X509Certificate cert) {
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        try {
            byte[] probe = "warren".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] signed = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(cert.getPublicKey());
            v.update(probe);
            return v.verify(signed);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String read(String option, Path file) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(option + ": cannot read '" + file + "' (no such file)");
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(option + ": cannot read '" + file + "': " + e.getMessage());
        }
    }
}
