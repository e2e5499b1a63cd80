package io.warren.server.hooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a hook request: {@code X-Warren-Signature: sha256=HEX}, the lowercase hex HMAC-SHA256
 * of the exact body bytes under the hook secret (UTF-8). The receiver computes the same over the body it
 * read, before parsing it, and compares in constant time ({@link #verify}); docs/backend-api.md shows it
 * with openssl and Node.
 */
public final class HookSignature {
    public static final String HEADER = "X-Warren-Signature";
    private static final String PREFIX = "sha256=";

    private HookSignature() {}

    /** {@code sha256=HEX} of {@code body} under {@code secret}. */
    public static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return PREFIX + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Whether {@code header} is the signature of {@code body} under {@code secret}; constant time. */
    public static boolean verify(String secret, byte[] body, String header) {
        if (header == null) {
            return false;
        }
        return MessageDigest.isEqual(
                sign(secret, body).getBytes(StandardCharsets.US_ASCII), header.getBytes(StandardCharsets.US_ASCII));
    }
}
