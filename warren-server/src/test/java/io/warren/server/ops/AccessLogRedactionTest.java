package io.warren.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Finding 7 (issue 10): the access log redacts secrets by decoded parameter name, whole. */
class AccessLogRedactionTest {
    static final String JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";

    @Test
    void finding7_tokensKeysAndEncodedNamesAreRedacted() {
        String line = AccessLogHandler.redact("/tunnel?format=sse&new=1&token=" + JWT + "&callback=app.cb");
        assertThat(line).doesNotContain(JWT).doesNotContain("eyJ").contains("token=…", "callback=app.cb", "format=sse");
        assertThat(AccessLogHandler.redact("/admin?key=admin-key-for-tests"))
                .isEqualTo("/admin?key=…")
                .doesNotContain("admi…");
        for (String name : new String[] {"%74oken", "%74%6F%6B%65%6E", "TOKEN", "%6Bey", "k%65y"}) {
            String r = AccessLogHandler.redact("/tunnel?" + name + "=" + JWT + "&x=1");
            assertThat(r).as(name).doesNotContain(JWT).contains(name + "=…", "&x=1");
        }
        String tunnel = AccessLogHandler.redact("/tunnel?format=sse&%74unnel=Q6vKsecretsecret&last=rm57-6");
        assertThat(tunnel).isEqualTo("/tunnel?format=sse&%74unnel=Q6vK…&last=rm57-6");
        assertThat(AccessLogHandler.redact("/tunnel?%zz=" + JWT))
                .as("an undecodable name hides its value")
                .doesNotContain(JWT);
        assertThat(AccessLogHandler.redact("/healthz")).isEqualTo("/healthz");
        assertThat(AccessLogHandler.redact("/tunnel?token=&a")).isEqualTo("/tunnel?token=&a");
    }
}
