package io.warren.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.server.config.OperationsOptions;
import io.warren.server.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Finding 12 (issue 10), admin side: the cookie is an expiring HMAC session, never the key, always
 * {@code Secure}; wrong keys are throttled per address.
 */
class AdminHardeningTest {
    static final String KEY = "admin-key-for-tests";

    static TestServer start() {
        return TestServer.start(
                o -> o, b -> b.operations(OperationsOptions.defaults().withAdminKey(KEY)));
    }

    static String session(String key, long expiry) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return expiry + "."
                + Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(mac.doFinal(("warren-admin:" + expiry).getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void finding12_theAdminCookieIsAnExpiringSessionNotTheKey() throws Exception {
        try (TestServer server = start()) {
            TestServer.Response page = server.get("/admin?key=" + KEY);
            String cookie = page.header("set-cookie");
            assertThat(cookie)
                    .doesNotContain(KEY)
                    .contains("HttpOnly", "SameSite=Strict", "Path=/admin", "; Secure", "Max-Age=28800");
            String value = cookie.split(";")[0];
            assertThat(server.get("/admin", "Cookie", value).status())
                    .as("the session it set works")
                    .isEqualTo(200);
            long now = System.currentTimeMillis() / 1000;
            assertThat(server.get("/admin", "Cookie", "warren-admin=" + KEY).status())
                    .as("the raw key is no session")
                    .isEqualTo(401);
            assertThat(server.get("/admin", "Cookie", "warren-admin=" + session(KEY, now - 1))
                            .status())
                    .as("expired")
                    .isEqualTo(401);
            assertThat(server.get("/admin", "Cookie", "warren-admin=" + session("another-admin-key", now + 3600))
                            .status())
                    .as("signed with another key")
                    .isEqualTo(401);
            String tampered = value.replaceFirst("=(\\d)", "=9");
            assertThat(server.get("/admin", "Cookie", tampered).status())
                    .as("expiry changed")
                    .isEqualTo(401);
        }
    }

    @Test
    void finding12_adminKeyGuessesAreThrottled() {
        try (TestServer server = start()) {
            for (int i = 0; i < 10; i++) {
                assertThat(server.get("/admin?key=guess-" + i).status()).isEqualTo(401);
            }
            TestServer.Response locked = server.get("/admin?key=" + KEY);
            assertThat(locked.status())
                    .as("locked out, even with the right key")
                    .isEqualTo(429);
            assertThat(locked.json().get("error").asText()).isEqualTo("too-many");
            assertThat(server.get("/admin", "Authorization", "Bearer " + KEY).status())
                    .isEqualTo(429);
            assertThat(server.get("/healthz").status())
                    .as("only the admin endpoints")
                    .isEqualTo(200);
        }
    }
}
