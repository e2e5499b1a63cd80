package io.warren.server.auth;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.ByteArrayInputStream;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads RSA and EC public keys ({@code PUBLIC KEY}) and certificates ({@code CERTIFICATE}) from PEM text, with the JDK only. */
final class Pem {
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private Pem() {}

    static List<JWK> publicKeys(String pem) {
        List<JWK> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            PublicKey key = switch (m.group(1)) {
                case "PUBLIC KEY" -> publicKey(der);
                case "CERTIFICATE" -> certificateKey(der);
                default -> null;
            };
            if (key instanceof RSAPublicKey rsa) {
                out.add(new RSAKey.Builder(rsa).keyUse(KeyUse.SIGNATURE).build());
            } else if (key instanceof ECPublicKey ec) {
                out.add(new ECKey.Builder(com.nimbusds.jose.jwk.Curve.forECParameterSpec(ec.getParams()), ec)
                        .keyUse(KeyUse.SIGNATURE)
                        .build());
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no RSA or EC public key or certificate found in the PEM file");
        }
        return out;
    }

    private static PublicKey publicKey(byte[] der) {
        for (String alg : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(der));
            } catch (Exception e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("a PUBLIC KEY block is neither RSA nor EC");
    }

    private static PublicKey certificateKey(byte[] der) {
        try {
            return CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der))
                    .getPublicKey();
        } catch (Exception e) {
            throw new IllegalArgumentException("unreadable CERTIFICATE block: " + e.getMessage());
        }
    }
}
