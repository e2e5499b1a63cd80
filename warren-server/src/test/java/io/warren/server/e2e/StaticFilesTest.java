package io.warren.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.server.support.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The bundled browser client and demo page: types, entity tags, HEAD, and 404 JSON for anything else. */
class StaticFilesTest {
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest
    @CsvSource({
        "/, text/html, Warren live demo",
        "/warren.js, text/javascript, var Warren = class extends Emitter",
        "/warren.min.js, text/javascript, sourceMappingURL=warren.min.js.map",
        "/warren.min.js.map, application/json, ../src/core.js",
        "/warren.global.js, text/javascript, globalThis.Warren = Warren",
        "/warren.global.min.js, text/javascript, globalThis.Warren=",
        "/warren.d.ts, text/plain, export declare class Warren",
    })
    void servesTheClientAndTheDemoWithTypeAndEtag(String path, String type, String content) {
        TestServer.Response r = server.get(path);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith(type);
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(r.body()).contains(content);
        String etag = r.header("ETag");
        assertThat(etag).matches("\"[0-9a-f]{24}\"");

        TestServer.Response again = server.get(path, "If-None-Match", etag);
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(server.get(path, "If-None-Match", "\"other\"").status()).isEqualTo(200);

        TestServer.Response head = server.send("HEAD", path, null);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.header("ETag")).isEqualTo(etag);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/nope.js",
                "/logback.xml",
                "/io/warren/server/Main.class",
                "/warren-static/warren.js",
                "/.hidden",
                "/a/b/c/d/e.js"
            })
    void anythingElseIsANotFoundJsonError(String path) {
        TestServer.Response r = server.get(path);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("error").asText()).isEqualTo("not-found");
    }

    /** Non-canonical paths never reach the file lookup (RequestPath refuses them for every endpoint). */
    @ParameterizedTest
    @ValueSource(strings = {"/..%2fpom.xml", "/../logback.xml", "/%77arren.js", "//warren.js"})
    void nonCanonicalPathsAreABadRequest(String path) {
        TestServer.Response r = server.get(path);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("bad-request");
    }

    @Test
    void otherMethodsOnFilesAreNotFound() {
        TestServer.Response r = server.post("/warren.js", "x");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("error").asText()).isEqualTo("not-found");
    }
}
