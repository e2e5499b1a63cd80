package io.warren.server.support;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

/** Signs test tokens: HS256 with a secret, RS256 and ES256 with generated keys. */
public final class Tokens {
    public static final String SECRET = "test-secret-with-at-least-32-bytes-of-entropy!";

    private Tokens() {}

    /** Claims for subject {@code sub}, expiring in {@code ttlSeconds}, with the warren permissions claim. */
    public static JWTClaimsSet.Builder claims(
            String sub, long ttlSeconds, List<String> subscribe, List<String> publish) {
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
                .subject(sub)
                .expirationTime(Date.from(Instant.now().plusSeconds(ttlSeconds)));
        if (subscribe != null || publish != null) {
            b.claim(
                    "warren",
                    Map.of(
                            "subscribe",
                            subscribe == null ? List.of() : subscribe,
                            "publish",
                            publish == null ? List.of() : publish));
        }
        return b;
    }

    public static String hs256(JWTClaimsSet.Builder claims) {
        return hs256(claims, SECRET);
    }

    public static String hs256(JWTClaimsSet.Builder claims, String secret) {
        try {
            return sign(
                    new MACSigner(secret.getBytes(StandardCharsets.UTF_8)), new JWSHeader(JWSAlgorithm.HS256), claims);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String rs256(RSAKey key, JWTClaimsSet.Builder claims) {
        try {
            return sign(
                    new RSASSASigner(key),
                    new JWSHeader.Builder(JWSAlgorithm.RS256)
                            .keyID(key.getKeyID())
                            .build(),
                    claims);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String es256(ECKey key, JWTClaimsSet.Builder claims) {
        try {
            return sign(
                    new ECDSASigner(key),
                    new JWSHeader.Builder(JWSAlgorithm.ES256)
                            .keyID(key.getKeyID())
                            .build(),
                    claims);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(JWSSigner signer, JWSHeader header, JWTClaimsSet.Builder claims) throws JOSEException {
        SignedJWT jwt = new SignedJWT(header, claims.build());
        jwt.sign(signer);
        return jwt.serialize();
    }

    public static RSAKey rsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ECKey ec(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public key as a PEM {@code PUBLIC KEY} block. */
    public static String pem(RSAKey key) {
        try {
            String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(key.toRSAPublicKey().getEncoded());
            return "-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n";
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JWKS document with the public halves of {@code keys}. */
    public static String jwks(com.nimbusds.jose.jwk.JWK... keys) {
        return new JWKSet(List.of(keys)).toPublicJWKSet().toString();
    }

    /** {@code "Bearer " + token} as a header map. */
    public static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }
}
