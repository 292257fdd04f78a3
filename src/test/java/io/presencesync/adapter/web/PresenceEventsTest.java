package io.presencesync.adapter.web;

import com.sun.net.httpserver.HttpServer;
import io.presencesync.adapter.publisher.EmbeddedPresenceStore;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.ManualPresence;
import io.presencesync.domain.PresenceState;
import io.presencesync.domain.Reason;
import io.presencesync.domain.User;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
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
    void aClientThatStopsReadingIsDisconnectedItsThreadEndsAndPublishingNeverWaits() throws Exception {
        try (StreamAlone alone = new StreamAlone(Duration.ofSeconds(1)); Socket slow = new Socket()) {
            slow.setReceiveBufferSize(4096);
            slow.connect(new InetSocketAddress("127.0.0.1", alone.port()));
            slow.getOutputStream().write("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            slow.getOutputStream().flush();
            awaitClients(alone.events, 1);
            Thread writer = awaitThread("sse-/127.0.0.1:" + slow.getLocalPort());

            long started = System.nanoTime();
            for (int i = 0; i < 20_000; i++) {
                User user = new User("id-" + i, "user" + i + "@contoso.com");
                alone.store.setManual("contoso", user, new ManualPresence(i % 2 == 0 ? PresenceState.AWAY : PresenceState.BUSY, null, Instant.now()));
            }
            Duration publishing = Duration.ofNanos(System.nanoTime() - started);

            writer.join(Duration.ofSeconds(5).toMillis());
            assertThat(writer.isAlive()).as("the stream's thread ends within the write timeout").isFalse();
            assertThat(alone.events.clientCount()).isZero();
            assertThat(readsToTheEnd(slow)).as("the server closed the connection").isTrue();
            assertThat(publishing).isLessThan(Duration.ofSeconds(5));
        }
    }

    /** Reads what the server had sent until the connection ends; false when it stays open for 10 s. */
    private static boolean readsToTheEnd(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        byte[] buffer = new byte[65_536];
        try {
            while (socket.getInputStream().read(buffer) != -1) { /* what was sent before the close */ }
            return true;
        } catch (SocketException reset) {
            return true;
        } catch (SocketTimeoutException open) {
            return false;
        }
    }

    private static void awaitClients(PresenceEvents events, int expected) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(20);
        while (events.clientCount() != expected && Instant.now().isBefore(deadline)) Thread.sleep(20);
        assertThat(events.clientCount()).isEqualTo(expected);
    }

    private static Thread awaitThread(String name) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            for (Thread t : Thread.getAllStackTraces().keySet()) if (t.getName().equals(name)) return t;
            Thread.sleep(20);
        }
        throw new AssertionError("no thread " + name);
    }

    /** The event stream on a server of its own, with a write timeout short enough for a test to wait out. */
    private static final class StreamAlone implements AutoCloseable {
        final EmbeddedPresenceStore store = new EmbeddedPresenceStore();
        final PresenceEvents events;
        final HttpServer server;

        StreamAlone(Duration writeTimeout) throws IOException {
            events = new PresenceEvents(Duration.ofMillis(300), writeTimeout);
            store.addListener(events);
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
            server.createContext("/api/events", events::subscribe);
            server.start();
        }

        int port() { return server.getAddress().getPort(); }

        @Override
        public void close() {
            events.close();
            server.stop(0);
        }
    }
}
