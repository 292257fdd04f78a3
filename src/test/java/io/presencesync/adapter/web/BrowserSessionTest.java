package io.presencesync.adapter.web;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class BrowserSessionTest {

    final WebFixture web = new WebFixture();

    @AfterEach
    void stop() { web.close(); }

    HttpResponse<String> login(String token, String origin) throws Exception {
        HttpRequest.Builder form = web.request("/login", null).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)));
        if (origin != null) form.header("Origin", origin);
        return web.send(form);
    }

    static String session(HttpResponse<String> response) {
        String cookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        return cookie.substring(0, cookie.indexOf(';'));
    }

    @Test
    void theLoginFormTradesATokenForAnHttpOnlyStrictSessionCookieThatOpensTheStatusPage() throws Exception {
        HttpResponse<String> form = web.send(web.request("/login", null));
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(form.body()).contains("type=\"password\" id=\"token\" name=\"token\"");

        HttpResponse<String> signedIn = login(web.readerToken, "http://127.0.0.1:" + web.server.port());

        assertThat(signedIn.statusCode()).isEqualTo(303);
        assertThat(signedIn.headers().firstValue("Location")).hasValue("/");
        String cookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith(AccessGuard.SESSION_COOKIE + "=").contains("; HttpOnly", "; SameSite=Strict", "; Path=/")
                .doesNotContain(web.readerToken);
        HttpResponse<String> page = web.send(web.request("/", null).header("Cookie", session(signedIn)));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("signed in as status-reader", "action=\"/logout\"");
    }

    @Test
    void aSessionNeverWritesEvenForATokenThatMaySoNoForgedCrossSiteRequestCan() throws Exception {
        String cookie = session(login(web.adminToken, null));

        HttpResponse<String> write = web.send(web.request("/api/presences/contoso/id-first/manual", null).header("Cookie", cookie)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"state\":\"BUSY\"}")));

        assertThat(write.statusCode()).isEqualTo(403);
        assertThat(write.body()).contains("a write needs the token in the Authorization header");
    }

    @Test
    void aLoginPostedFromAnotherSiteOrWithAWrongTokenIsRefused() throws Exception {
        assertThat(login(web.readerToken, "https://evil.example").statusCode()).isEqualTo(403);
        assertThat(login("not-the-token-not-the-token-not-the-token", null).statusCode()).isEqualTo(401);
    }

    @Test
    void aOneTimeLoginLinkSignsInOnceAndCarriesNoToken() throws Exception {
        String link = web.server.loginPath(web.readerToken).orElseThrow();
        assertThat(link).startsWith("/login?code=").doesNotContain(web.readerToken);

        HttpResponse<String> first = web.send(web.request(link, null));
        HttpResponse<String> again = web.send(web.request(link, null));

        assertThat(first.statusCode()).isEqualTo(303);
        assertThat(web.send(web.request("/", null).header("Cookie", session(first))).statusCode()).isEqualTo(200);
        assertThat(again.statusCode()).isEqualTo(401);
        assertThat(again.body()).contains("That login link was used or has expired");
        assertThat(web.server.loginPath("not-a-token-not-a-token-not-a-token-00")).isEmpty();
    }

    @Test
    void loggingOutEndsTheSessionAndASessionEndsWithItsToken() throws Exception {
        String cookie = session(login(web.readerToken, null));
        HttpResponse<String> out = web.send(web.request("/logout", null).header("Cookie", cookie).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(web.send(web.request("/", null).header("Cookie", cookie)).statusCode()).isEqualTo(401);

        String other = session(login(web.readerToken, null));
        java.nio.file.Files.writeString(web.tokens.resolve("reader"), WebFixture.randomToken() + "\n");
        assertThat(web.send(web.request("/", null).header("Cookie", other)).statusCode()).as("its token was rotated away").isEqualTo(401);
    }
}
