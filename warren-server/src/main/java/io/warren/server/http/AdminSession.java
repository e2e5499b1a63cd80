package io.warren.server.http;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The value of the {@code warren-admin} cookie: {@code EXPIRY.MAC}, where EXPIRY is epoch seconds and MAC
 * is HMAC-SHA256 under the admin key of {@code "warren-admin:" + EXPIRY}. The cookie therefore never holds
 * the key, dies after {@link #TTL}, and dies at once when the key is changed. Stateless: nothing is kept per
 * session.
 */
final class AdminSession {
    static final Duration TTL = Duration.ofHours(8);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private AdminSession() {}

    /** A fresh session value for {@code adminKey}, valid for {@link #TTL} from {@code nowSeconds}. */
    static String issue(String adminKey, long nowSeconds) {
        long expiry = nowSeconds + TTL.toSeconds();
        return expiry + "." + mac(adminKey, expiry);
    }

    /** Whether {@code value} was issued under {@code adminKey} and has not expired at {@code nowSeconds}. */
    static boolean valid(String adminKey, String value, long nowSeconds) {
        int dot = value.indexOf('.');
        if (dot <= 0 || dot > 19) {
            return false;
        }
        long expiry;
        try {
            expiry = Long.parseLong(value.substring(0, dot));
        } catch (NumberFormatException e) {
            return false;
        }
        byte[] expected = mac(adminKey, expiry).getBytes(StandardCharsets.US_ASCII);
        boolean signed =
                MessageDigest.isEqual(expected, value.substring(dot + 1).getBytes(StandardCharsets.US_ASCII));
        return signed && expiry > nowSeconds;
    }

    private static String mac(String adminKey, long expiry) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(adminKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return B64.encodeToString(mac.doFinal(("warren-admin:" + expiry).getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
