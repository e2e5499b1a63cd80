package io.warren.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.warren.server.ops.AdminPageBrowserTest.Browser;
import io.warren.server.ops.AdminPageBrowserTest.Cdp;
import io.warren.server.support.TestServer;
import io.warren.server.support.TunnelClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The status page's paths view, client lookup and disconnect, used in Chromium against real tunnels of JWT
 * users: what the page shows, that a client's hostile profile stays text, that the disconnect reaches the
 * tunnel as {@code /meta/close}, and that without the session the API answers 401 and nothing changes.
 */
class AdminViewsBrowserTest {

    private static int counter(Cdp cdp, String name) throws Exception {
        return cdp.eval("+document.body.getAttribute('data-" + name + "') || 0").asInt();
    }

    /** The rows of a table, cells joined by {@code |}. */
    private static List<String> rows(Cdp cdp, String table) throws Exception {
        JsonNode v = cdp.eval("Array.from(document.querySelectorAll('#" + table
                + " tr')).map(r => Array.from(r.cells).map(c => c.textContent).join('|'))");
        return WireList.of(v);
    }

    /** Looks up {@code value} through the page's form and waits for the answer. */
    private static void lookup(Cdp cdp, String by, String value) throws Exception {
        int before = counter(cdp, "lookups");
        cdp.eval("document.getElementById('lookup-value').value = " + js(value) + ";"
                + "document.querySelector('input[name=lookup-by][value=" + by + "]').checked = true;"
                + "document.getElementById('lookup-form').requestSubmit(); true");
        await().atMost(Duration.ofSeconds(20)).until(() -> counter(cdp, "lookups") > before);
    }

    private static String js(String s) {
        return io.warren.server.support.WireDecoder.JSON.valueToTree(s).toString();
    }

    private static List<String> texts(Cdp cdp, String selector) throws Exception {
        return WireList.of(
                cdp.eval("Array.from(document.querySelectorAll(" + js(selector) + ")).map(e => e.textContent)"));
    }

    @Test
    void pathsLookupAndDisconnectFromThePage() throws Exception {
        try (TestServer server = AdminApiTest.start();
                TunnelClient a = AdminApiTest.open(server, "sse", "alice", "A", "subscribe=/room/lobby");
                TunnelClient b = AdminApiTest.open(
                        server, "stream", "alice", "A2", "subscribe=/room/lobby", "subscribe=/room/*");
                TunnelClient m = AdminApiTest.open(
                        server, "sse", AdminApiTest.HOSTILE_USER, AdminApiTest.HOSTILE_INFO, "subscribe=/room/den");
                Browser browser = Browser.start();
                Cdp cdp = browser.page()) {
            cdp.call("Page.navigate", Map.of("url", server.url("/admin?key=" + AdminTest.KEY)));
            await().atMost(Duration.ofSeconds(30)).until(() -> counter(cdp, "paths") >= 1);

            // Paths with their interest counts; the page's own feed (/meta/admin/stats) is not among them.
            assertThat(rows(cdp, "paths-list"))
                    .containsExactly("/room/*|1|", "/room/den|1|members", "/room/lobby|2|members");
            cdp.eval("document.getElementById('paths-prefix').value = '/room/l';"
                    + "document.getElementById('paths-form').requestSubmit(); true");
            await().atMost(Duration.ofSeconds(20)).until(() -> counter(cdp, "paths") >= 2);
            assertThat(rows(cdp, "paths-list")).containsExactly("/room/lobby|2|members");

            // The members of a presence path.
            cdp.eval("document.querySelector('#paths-list button').click(); true");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> rows(cdp, "members").size() == 2);
            assertThat(String.join("\n", rows(cdp, "members")))
                    .contains(a.client() + "|alice|{\"name\":\"A\"}", b.client() + "|alice|{\"name\":\"A2\"}");

            // By client id: everything the backend's /api/clients/C says, shown as text.
            lookup(cdp, "client", m.client());
            assertThat(texts(cdp, "#lookup-result .f-user")).containsExactly(AdminApiTest.HOSTILE_USER);
            assertThat(texts(cdp, "#lookup-result .f-info"))
                    .containsExactly("{\"name\":\"" + AdminApiTest.HOSTILE_INFO + "\"}");
            assertThat(texts(cdp, "#lookup-result .f-interests")).containsExactly("/room/den");
            assertThat(texts(cdp, "#lookup-result .f-attached")).containsExactly("yes");
            assertThat(texts(cdp, "#lookup-result .f-format")).containsExactly("sse");
            assertThat(texts(cdp, "#lookup-result .f-node"))
                    .containsExactly(server.server().node().ids().tag());
            assertThat(cdp.eval("document.querySelectorAll('img, b').length").asInt())
                    .as("the hostile user and info became no element")
                    .isZero();
            assertThat(cdp.eval("typeof window.pwned").asText()).isEqualTo("undefined");

            // By user: both of alice's tunnels.
            lookup(cdp, "user", "alice");
            assertThat(texts(cdp, "#lookup-result .f-client"))
                    .containsExactlyElementsOf(
                            List.of(a.client(), b.client()).stream().sorted().toList());
            assertThat(String.join(" ; ", texts(cdp, "#lookup-result .f-interests")))
                    .contains("/room/lobby", "/room/*");
            lookup(cdp, "client", "nobody");
            assertThat(cdp.eval("document.getElementById('lookup-error').textContent")
                            .asText())
                    .startsWith("not-found");

            // Negative, from the page itself: the API without the custom header changes nothing.
            JsonNode refused = cdp.evalAsync("fetch('/admin/api/disconnect', {method: 'POST', headers: "
                    + "{'Content-Type': 'application/json'}, body: JSON.stringify({client: " + js(a.client())
                    + ", reason: 'forged'})}).then(r => r.status)");
            assertThat(refused.asInt()).isEqualTo(403);
            JsonNode anonymous = cdp.evalAsync("fetch('/admin/api/disconnect', {method: 'POST', credentials: 'omit',"
                    + " headers: {'Content-Type': 'application/json', 'X-Warren-Admin': '1'}, body: JSON.stringify("
                    + "{client: " + js(a.client()) + ", reason: 'forged'})}).then(r => r.json().then(j => r.status"
                    + " + ' ' + j.error))");
            assertThat(anonymous.asText()).isEqualTo("401 unauthorized");
            assertThat(a.controls()).noneMatch(d -> d.path("path").asText().equals("/meta/close"));

            // Disconnect a, not to come back, with a reason.
            lookup(cdp, "client", a.client());
            cdp.eval("document.querySelector('#lookup-result .reason').value = 'bye from the operator';"
                    + "document.querySelector('#lookup-result .reconnect').checked = false;"
                    + "document.querySelector('#lookup-result .disconnect').click(); true");
            JsonNode close = a.awaitControl("/meta/close", Duration.ofSeconds(20));
            assertThat(close.get("data").get("reason").asText()).isEqualTo("bye from the operator");
            assertThat(close.get("data").get("reconnect").asBoolean()).isFalse();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> texts(cdp, "#lookup-result .status").equals(List.of("disconnected (1 tunnel)")));
            assertThat(server.get("/api/clients/" + a.client(), "Authorization", "Bearer " + AdminApiTest.PUBLISH_KEY)
                            .status())
                    .isEqualTo(404);
            assertThat(b.controls()).noneMatch(d -> d.path("path").asText().equals("/meta/close"));
        }
    }

    /** A JSON array of strings as a list. */
    private static final class WireList {
        static List<String> of(JsonNode array) {
            assertThat(array.isArray()).as("an array: %s", array).isTrue();
            List<String> out = new java.util.ArrayList<>();
            array.forEach(n -> out.add(n.asText()));
            return out;
        }
    }
}
