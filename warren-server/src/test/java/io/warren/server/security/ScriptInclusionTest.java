package io.warren.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.server.config.SecurityOptions;
import io.warren.server.support.RawHttp;
import io.warren.server.support.TestServer;
import io.warren.server.support.Tokens;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Finding 6 (issue 10): a format read by including it ({@code jsonp}, {@code iframe}) does not accept the
 * visitor's cookie as credentials unless the browser says {@code Sec-Fetch-Site: same-origin/same-site};
 * a token in the query still opens; formats read through fetch/EventSource keep cookie authentication.
 */
class ScriptInclusionTest {
    static TestServer server;
    static String token;

    @BeforeAll
    static void start() {
        server = TestServer.start(o -> o.withSecurity(SecurityOptions.defaults()
                .withJwt(new SecurityOptions.Jwt(
                        Tokens.SECRET, null, null, null, null, "wt", null, null, Duration.ZERO, false))));
        token = Tokens.hs256(Tokens.claims("victim", 300, List.of("/private/**"), null));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static int open(String format, String site, boolean cookie, boolean queryToken) throws IOException {
        Map<String, String> h = new LinkedHashMap<>();
        if (cookie) {
            h.put("Cookie", "wt=" + token);
        }
        if (site != null) {
            h.put("Sec-Fetch-Site", site);
        }
        String target = "/tunnel?format=" + format + "&new=1&subscribe=/private/x"
                + (format.equals("jsonp") ? "&callback=cb" : "") + (queryToken ? "&token=" + token : "");
        try (RawHttp r = RawHttp.request(server.port(), "GET", target, h, null)) {
            return r.status();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jsonp", "iframe"})
    void finding6_crossSiteScriptInclusionCannotUseTheCookie(String format) throws IOException {
        int before = server.server().node().tunnelCount();
        assertThat(open(format, null, true, false))
                .as("no Sec-Fetch-Site (script tags of old browsers)")
                .isEqualTo(401);
        assertThat(open(format, "cross-site", true, false)).isEqualTo(401);
        assertThat(open(format, "none", true, false)).isEqualTo(401);
        assertThat(server.server().node().tunnelCount())
                .as("refused opens created nothing")
                .isEqualTo(before);
        assertThat(open(format, "same-origin", true, false)).isEqualTo(200);
        assertThat(open(format, "same-site", true, false)).isEqualTo(200);
        assertThat(open(format, "cross-site", false, true))
                .as("a token in the query stays allowed")
                .isEqualTo(200);
    }

    @Test
    void finding6_fetchedFormatsKeepCookieAuthentication() throws IOException {
        assertThat(open("longpoll", "cross-site", true, false)).isEqualTo(200);
        assertThat(open("sse", null, true, false)).isEqualTo(200);
    }
}
