package io.warren.server.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * HTTPS on Warren's port: a PEM certificate chain and its PEM (PKCS#8) private key. Read, and checked, when
 * the server starts and again on every reload (a renewed certificate at the same paths is picked up).
 *
 * @param cert the certificate chain, leaf first ({@code --tls-cert})
 * @param key  the private key of the leaf ({@code --tls-key})
 */
public record TlsOptions(Path cert, Path key) {
    public TlsOptions {
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(key, "key");
    }
}
