package io.warren.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.warren.ErrorCode;
import io.warren.WarrenException;
import io.warren.server.config.SecurityOptions;
import io.warren.spi.Authenticator;
import io.warren.spi.Identity;
import io.warren.spi.OpenRequest;
import io.warren.spi.Permissions;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.Key;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Authenticates tunnel opens with a JWT (nimbus-jose-jwt): HS256 with a shared secret, RS256 and ES256
 * with public keys from a PEM file, a JWKS file, or a JWKS URL ({@link RemoteJwks}: fetched
 * asynchronously, cached, refreshed). The token is taken from {@code Authorization: Bearer}, else the
 * configured cookie, else the {@code token} query parameter (EventSource cannot set headers).
 *
 * <p>{@code exp} and {@code nbf} are enforced with the configured clock skew. The identity expires at
 * {@code exp} plus that skew, the same instant up to which an open accepts the token, so a token the skew
 * lets in is not closed by the next sweep; then the node closes the tunnel with reason {@code expired}.
 * A token without {@code exp} is refused unless {@code jwt-require-exp} is off. The claim
 * {@code "warren": {"subscribe": [...], "publish": [...]}} becomes the identity's {@link Permissions}; a
 * token without it may open a tunnel but reaches nothing except its own client path. The claim
 * {@code "warren.info"}, a JSON object of at most 1 KiB, is the client's public profile ({@link InfoClaim});
 * {@code sub} is its user.
 *
 * <p>Signature checks run on the calling thread (CPU only, microseconds); the only I/O, the JWKS fetch,
 * is asynchronous. Thread-safe.
 */
public final class JwtAuthenticator implements Authenticator {
    public static final String CLAIM = "warren";
    private static final Set<JWSAlgorithm> ALGORITHMS =
            Set.of(JWSAlgorithm.HS256, JWSAlgorithm.RS256, JWSAlgorithm.ES256);
    private static final int MAX_TOKEN = 8192;

    private final SecurityOptions.Jwt settings;
    private final List<JWK> staticKeys = new ArrayList<>();
    private final RemoteJwks remote;

    public JwtAuthenticator(SecurityOptions.Jwt settings, HttpClient http) {
        this.settings = settings;
        try {
            if (settings.secret() != null) {
                byte[] secret = settings.secret().getBytes(StandardCharsets.UTF_8);
                if (secret.length < 32) {
                    throw new IllegalArgumentException("jwt-secret must be at least 32 bytes (256 bits) for HS256");
                }
                staticKeys.add(new OctetSequenceKey.Builder(secret).build());
            }
            if (settings.publicKeyPem() != null) {
                staticKeys.addAll(Pem.publicKeys(Files.readString(settings.publicKeyPem())));
            }
            if (settings.jwksFile() != null) {
                staticKeys.addAll(JWKSet.load(settings.jwksFile().toFile()).getKeys());
            }
        } catch (IOException | ParseException e) {
            throw new IllegalArgumentException("cannot read JWT keys: " + e.getMessage());
        }
        this.remote = settings.jwksUrl() == null
                ? null
                : new RemoteJwks(
                        settings.jwksUrl(),
                        settings.jwksRefresh() == null ? Duration.ofMinutes(5) : settings.jwksRefresh(),
                        http);
        if (staticKeys.isEmpty() && remote == null) {
            throw new IllegalArgumentException(
                    "JWT authentication needs jwt-secret, jwt-public-key, jwt-jwks-file or jwt-jwks-url");
        }
    }

    @Override
    public CompletionStage<Identity> authenticate(OpenRequest request) {
        String token = token(request);
        if (token == null) {
            if (settings.allowAnonymous()) {
                return CompletableFuture.completedFuture(Identity.ANONYMOUS);
            }
            return failed(ErrorCode.UNAUTHORIZED.exception(
                    "a token is required (Authorization: Bearer, cookie or token parameter)"));
        }
        SignedJWT jwt;
        try {
            if (token.length() > MAX_TOKEN) {
                throw new ParseException("token too long", 0);
            }
            jwt = SignedJWT.parse(token);
        } catch (ParseException e) {
            return failed(ErrorCode.UNAUTHORIZED.exception("malformed token"));
        }
        if (remote == null) {
            return verify(jwt, keys(null));
        }
        return remote.get(jwt.getHeader().getKeyID()).thenCompose(set -> verify(jwt, keys(set)));
    }

    private JWKSet keys(JWKSet fetched) {
        if (fetched == null || fetched.getKeys().isEmpty()) {
            return new JWKSet(staticKeys);
        }
        List<JWK> all = new ArrayList<>(staticKeys);
        all.addAll(fetched.getKeys());
        return new JWKSet(all);
    }

    private CompletionStage<Identity> verify(SignedJWT jwt, JWKSet keys) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector((header, ctx) -> candidates(header, keys));
        JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        if (settings.issuer() != null) {
            exact.issuer(settings.issuer());
        }
        DefaultJWTClaimsVerifier<SecurityContext> claims =
                new DefaultJWTClaimsVerifier<>(settings.audience(), exact.build(), Set.of());
        claims.setMaxClockSkew((int) skew().toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
        try {
            JWTClaimsSet set = processor.process(jwt, null);
            if (set.getExpirationTime() == null && settings.requireExp()) {
                return failed(ErrorCode.UNAUTHORIZED.exception(
                        "the token has no exp claim; tokens that never expire are refused (jwt-require-exp)"));
            }
            Map<String, Object> attributes = new HashMap<>();
            attributes.put(Permissions.ATTRIBUTE, PermissionClaims.read(set.getClaim(CLAIM)));
            attributes.put("jwt", set);
            String info = InfoClaim.fromClaim(set.getClaim(Identity.INFO_ATTRIBUTE));
            if (info != null) {
                attributes.put(Identity.INFO_ATTRIBUTE, info);
            }
            String subject = set.getSubject() == null ? "" : set.getSubject();
            // The skew that let a just-expired token through also extends its tunnel: accepted means alive
            // until exp + skew, so the next sweep does not close what the open just allowed.
            return CompletableFuture.completedFuture(new Identity(
                    subject,
                    attributes,
                    set.getExpirationTime() == null
                            ? null
                            : set.getExpirationTime().toInstant().plus(skew())));
        } catch (BadJOSEException e) {
            return failed(ErrorCode.UNAUTHORIZED.exception("invalid token: " + e.getMessage()));
        } catch (JOSEException e) {
            return failed(ErrorCode.UNAUTHORIZED.exception("the token could not be verified"));
        } catch (WarrenException e) {
            return failed(e);
        }
    }

    /**
     * Keys that may have signed a token with {@code header}: of the key type its algorithm needs (so an
     * HS256 token is never checked against an RSA public key: the algorithm-confusion attack), and with
     * its key id when both name one (PEM keys have none).
     */
    private static List<Key> candidates(JWSHeader header, JWKSet keys) throws KeySourceException {
        JWSAlgorithm alg = header.getAlgorithm();
        if (!ALGORITHMS.contains(alg)) {
            return List.of();
        }
        String kid = header.getKeyID();
        List<Key> out = new ArrayList<>();
        try {
            for (JWK k : keys.getKeys()) {
                if (kid != null && k.getKeyID() != null && !kid.equals(k.getKeyID())) {
                    continue;
                }
                if (k.getKeyUse() != null && !KeyUse.SIGNATURE.equals(k.getKeyUse())) {
                    continue;
                }
                if (alg.equals(JWSAlgorithm.HS256) && k instanceof OctetSequenceKey oct) {
                    out.add(oct.toSecretKey());
                } else if (alg.equals(JWSAlgorithm.RS256) && k instanceof RSAKey rsa) {
                    out.add(rsa.toRSAPublicKey());
                } else if (alg.equals(JWSAlgorithm.ES256)
                        && k instanceof ECKey ec
                        && Curve.P_256.equals(ec.getCurve())) {
                    out.add(ec.toECPublicKey());
                }
            }
        } catch (JOSEException e) {
            throw new KeySourceException("unusable key: " + e.getMessage(), e);
        }
        return out;
    }

    private Duration skew() {
        return settings.clockSkew() == null ? Duration.ofSeconds(30) : settings.clockSkew();
    }

    private String token(OpenRequest request) {
        String auth = request.header("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return auth.substring(7).trim();
        }
        if (settings.cookie() != null) {
            String c = request.cookie(settings.cookie());
            if (c != null && !c.isEmpty()) {
                return c;
            }
        }
        String q = request.query("token");
        return q == null || q.isEmpty() ? null : q;
    }

    private static <T> CompletionStage<T> failed(WarrenException e) {
        return CompletableFuture.failedFuture(e);
    }
}
