package io.presencesync.adapter.web;

import io.presencesync.adapter.config.ApiConfig;
import io.presencesync.domain.ManualPresence;
import io.presencesync.domain.PresenceState;
import io.presencesync.domain.User;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Hostile and malformed input to the API: a client error at worst, never a 500 or a stack trace. */
class ApiFuzzTest {

    /** Hundreds of requests in a burst: a request rate that never answers 429, so each answer is the input's own. */
    final WebFixture web = new WebFixture(Duration.ofSeconds(15), new ApiConfig.Limits(100_000, 100_000, 4, Duration.ofHours(1)));

    @AfterEach
    void stop() { web.close(); }

    @Test
    void badJsonHugeBodiesUnicodeAndPathTraversalAreClientErrorsNeverA500() throws Exception {
        web.store.setManual("contoso", new User("id-anna", "anna@contoso.com"), new ManualPresence(PresenceState.AVAILABLE, null, Instant.now()));
        Random random = new Random(15);
        List<String> bodies = new ArrayList<>(List.of("", "{", "[]", "null", "{\"state\":", "{\"state\":\"BUSY\",\"profile\":[1,2]}",
                "{\"state\":\"\u0000\"}", "{\"state\":\"BUSY\",\"note\":\"" + "\uD83D\uDE00".repeat(5000) + "\"}", "{\"state\":1e999}",
                "{\"state\":\"OFFLINE\"}", "\uFEFF{\"state\":\"BUSY\"}", "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}",
                "x".repeat(PresenceApi.MAX_BODY + 1), "x".repeat(2_000_000)));
        for (int i = 0; i < 50; i++) {
            byte[] noise = new byte[random.nextInt(300)];
            random.nextBytes(noise);
            bodies.add(new String(noise, StandardCharsets.ISO_8859_1));
        }
        List<String> users = List.of("id-anna", "..", "%2e%2e", "..%2F..%2Fetc%2Fpasswd", "%2F", "%00", "%C3%A4%E2%82%AC%F0%9F%98%80", "%ED%A0%80",
                "a".repeat(5000), "anna@contoso.com%0d%0aSet-Cookie:%20x=y", "%25", "%", "%zz");
        for (String user : users) {
            for (String path : List.of("/api/presences/contoso/" + user, "/api/presences/contoso/" + user + "/manual", "/api/presences/" + user + "/x",
                    "/?q=" + user + "&tenant=" + user + "&page=" + user, "/api/presences?limit=" + user + "&offset=-1&q=" + user)) {
                assertClientErrorAtWorst("GET " + path, raw("GET", path, null));
                for (String body : bodies.subList(0, 8)) assertClientErrorAtWorst("PUT " + path, raw("PUT", path, body));
            }
        }
        for (String body : bodies) assertClientErrorAtWorst("PUT body", raw("PUT", "/api/presences/contoso/id-anna/manual", body));
        // Within the JDK server's drain allowance (64 KiB), so the client reads the answer before the connection closes.
        HttpResponse<String> huge = web.put("/api/presences/contoso/id-anna/manual", "x".repeat(PresenceApi.MAX_BODY + 1000));
        assertThat(huge.statusCode()).isEqualTo(400);
        assertThat(huge.body()).contains("the body is larger than 16384 bytes");
    }

    @Test
    void aRequestWithHugeHeadersIsRefusedBeforeItRuns() throws Exception {
        String answer = raw("GET", "/api/presences", null, "X-Filler: " + "y".repeat(HttpServers.MAX_HEADER_BYTES * 2) + "\r\n");
        assertThat(answer).doesNotStartWith("HTTP/1.1 200").doesNotStartWith("HTTP/1.1 500");
    }

    /**
     * A 2xx-4xx answer (or a closed connection) without a stack trace. A request line that is no URI
     * at all is answered by the JDK server itself, before any handler, with "400 … URISyntaxException
     * thrown": a class name, no trace and nothing of ours.
     */
    void assertClientErrorAtWorst(String what, String answer) {
        assertThat(answer).as(what).matches("(?s)HTTP/1\\.1 [234]\\d\\d .*|").doesNotContain("\tat ", "internal error", "io.presencesync", "Caused by");
    }

    /** A request as bytes on a socket, so that malformed paths reach the server unchanged; the status line and body, or "" when closed. */
    String raw(String method, String path, String body) throws IOException {
        return raw(method, path, body, "");
    }

    String raw(String method, String path, String body, String extraHeaders) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", web.server.port())) {
            socket.setSoTimeout(10_000);
            byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + web.adminToken + "\r\nConnection: close\r\n"
                    + extraHeaders + "Content-Length: " + content.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            try {
                out.write(content);
                out.flush();
            } catch (IOException closedEarly) {
                // the server answered (e.g. 400 for a body too large) and closed before reading all of it
            }
            InputStream in = socket.getInputStream();
            try {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException reset) {
                return "";
            }
        }
    }
}
