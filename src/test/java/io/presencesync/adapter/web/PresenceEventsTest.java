package io.presencesync.adapter.web;

import io.presencesync.domain.EventPresence;
import io.presencesync.domain.ManualPresence;
import io.presencesync.domain.PresenceState;
import io.presencesync.domain.Reason;
import io.presencesync.domain.User;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PresenceEventsTest {

    static final User ANNA = new User("id-anna", "anna.schmidt@contoso.com");

    final WebFixture web = new WebFixture(Duration.ofMillis(300));

    @AfterEach
    void stop() { web.close(); }

    @Test
    @Timeout(30)
    void effectivePresenceChangesArriveAsServerSentEventsWithKeepAlives() throws Exception {
        HttpResponse<InputStream> stream = web.http.send(HttpRequest.newBuilder(URI.create(web.url("/api/events"))).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            web.store.setManual("contoso", ANNA, new ManualPresence(PresenceState.AVAILABLE, null, Instant.now().minusSeconds(60)));
            web.publish("contoso", ANNA, new EventPresence(Reason.CALL, Instant.now(), null));

            List<String> received = new ArrayList<>();
            while (received.stream().filter(l -> l.startsWith("data: ")).count() < 2) received.add(lines.readLine());
            String afterTheEvents = lines.readLine();
            while (afterTheEvents.isEmpty()) afterTheEvents = lines.readLine();

            assertThat(afterTheEvents).as("an idle stream keeps the connection alive").isEqualTo(": keep-alive");
            List<String> data = received.stream().filter(l -> l.startsWith("data: ")).toList();
            assertThat(received).contains("event: presence");
            assertThat(data).hasSize(2);
            assertThat(data.get(0)).contains("\"upn\":\"anna.schmidt@contoso.com\"", "\"state\":\"AVAILABLE\"");
            assertThat(data.get(1)).contains("\"state\":\"BUSY\"", "\"reason\":\"CALL\"");
        }
    }

    @Test
    @Timeout(60)
    void aClientThatStopsReadingIsDroppedAndNeverHoldsUpPublishing() throws Exception {
        try (Socket slow = new Socket("127.0.0.1", web.server.port())) {
            slow.setReceiveBufferSize(4096);
            slow.getOutputStream().write("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            slow.getOutputStream().flush();
            awaitClients(1);

            long started = System.nanoTime();
            for (int i = 0; i < 20_000; i++) {
                User user = new User("id-" + i, "user" + i + "@contoso.com");
                web.store.setManual("contoso", user, new ManualPresence(i % 2 == 0 ? PresenceState.AWAY : PresenceState.BUSY, null, Instant.now()));
            }
            Duration publishing = Duration.ofNanos(System.nanoTime() - started);

            awaitClients(0);
            assertThat(publishing).isLessThan(Duration.ofSeconds(10));
        }
        HttpResponse<String> stillServing = web.get("/healthz");
        assertThat(stillServing.statusCode()).isEqualTo(200);
    }

    private void awaitClients(int expected) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(20);
        PresenceEvents events = web.server.events();
        while (events.clientCount() != expected && Instant.now().isBefore(deadline)) Thread.sleep(20);
        assertThat(events.clientCount()).isEqualTo(expected);
    }
}
