package io.warren.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Tunnel ids are bearer secrets: they are random, and a node keys its tunnels by their digest
 * ({@link #lookupKey}), so no lookup compares a secret id in variable time. Client ids are public (they
 * name a tunnel's {@code /client/C} path) but random too, so one cannot be guessed from another.
 */
final class TunnelIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] CLIENT_ALPHABET =
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private TunnelIds() {}

    /** 144 random bits, URL-safe Base64 (24 characters). */
    static String newTunnelId() {
        byte[] b = new byte[18];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** 12 characters of base62 (about 71 random bits). */
    static String newClientId() {
        char[] c = new char[12];
        for (int i = 0; i < c.length; i++) {
            c[i] = CLIENT_ALPHABET[RANDOM.nextInt(CLIENT_ALPHABET.length)];
        }
        return new String(c);
    }

    /** The SHA-256 digest of a tunnel id, Base64: the key a node stores the tunnel under. */
    static String lookupKey(String tunnelId) {
        byte[] d = SHA256.get().digest(tunnelId.getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(d);
    }
}
