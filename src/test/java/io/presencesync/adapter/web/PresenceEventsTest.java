package io.presencesync.adapter.web;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class PresenceEventsTest {

    static final User ANNA = new User("id-anna", "anna.schmidt@contoso.com");
    static final List<User> USERS = IntStream.range(0, 2_000).mapToObj(i -> new User("id-" + i, "user" + i + "@contoso.com")).toList();
    static final User LAST = new User("id-last", "last@contoso.com");

    final WebFixture web = new WebFixture(Duration.ofMillis(300));

    @AfterEach
    void stop() { web.close(); }

    @Test
    @Timeout(30)
    void effectivePresenceChangesArriveAsServerSentEventsWithKeepAlives() throws Exception {
        HttpResponse<InputStream> stream = web.http.send(web.request("/api/events", web.readerToken).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            web.store.setManual("contoso", ANNA, new ManualPresence(PresenceState.AVAILABLE, null, Instant.now().minusSeconds(60)));
            List<String> first = linesThroughData(lines);
            web.publish("contoso", ANNA, new EventPresence(Reason.CALL, Instant.now(), null));
            List<String> second = linesThroughData(lines);
            String afterTheEvents = lines.readLine();
            while (afterTheEvents.isEmpty()) afterTheEvents = lines.readLine();

            assertThat(afterTheEvents).as("an idle stream keeps the connection alive").isEqualTo(": keep-alive");
            assertThat(first).as("the reconnection delay, then ids counting from 1 on each connection")
                    .contains("retry: 5000", "id: 1", "event: presence");
            assertThat(second).contains("id: 2", "event: presence");
            assertThat(first.get(first.size() - 1)).contains("\"upn\":\"anna.schmidt@contoso.com\"", "\"state\":\"AVAILABLE\"");
            assertThat(second.get(second.size() - 1)).contains("\"state\":\"BUSY\"", "\"reason\":\"CALL\"");
        }
    }

    @Test
    @Timeout(60)
    void aClientThatKeepsReadingThroughABurstStaysConnectedAndEndsWithEveryUsersLatestState() throws Exception {
        try (BufferedReader lines = openStream(web.url("/api/events"))) {
            CompletableFuture<String> burst = CompletableFuture.supplyAsync(() -> burst(web.store, 10));

            Received received = readThrough(lines, LAST.address());
            String latest = burst.join();

            assertThat(web.server.events().clientCount()).isEqualTo(1);
            assertThat(received.stateByUpn()).hasSize(USERS.size()).allSatisfy((upn, state) -> assertThat(state).isEqualTo(latest));
            assertThat(received.ids()).startsWith(1L).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    @Timeout(60)
    void aClientThatFallsBehindSkipsIntermediateStatesButNeverAUsersLatest() throws Exception {
        try (StreamAlone alone = new StreamAlone(Duration.ofSeconds(30)); BufferedReader lines = openStream(alone.url())) {
            String latest = burst(alone.store, 20);

            Received received = readThrough(lines, LAST.address());

            assertThat(alone.events.clientCount()).isEqualTo(1);
            assertThat(received.stateByUpn()).hasSize(USERS.size()).allSatisfy((upn, state) -> assertThat(state).isEqualTo(latest));
            assertThat(received.ids()).as("intermediate states skipped").hasSizeLessThan(20 * USERS.size())
                    .startsWith(1L).isSorted().doesNotHaveDuplicates();
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

    /**
     * Sets every one of {@link #USERS} to a new state {@code rounds} times, then {@link #LAST} once: every user's latest
     * change was pending before that last one, so it arrives after them. Answers the users' latest state.
     */
    private static String burst(EmbeddedPresenceStore store, int rounds) {
        PresenceState[] states = {PresenceState.AVAILABLE, PresenceState.BUSY, PresenceState.AWAY, PresenceState.DO_NOT_DISTURB};
        for (int round = 0; round < rounds; round++) {
            for (User user : USERS) store.setManual("contoso", user, new ManualPresence(states[round % 4], null, Instant.now()));
        }
        store.setManual("contoso", LAST, new ManualPresence(PresenceState.AVAILABLE, null, Instant.now()));
        return states[(rounds - 1) % 4].name();
    }

    private BufferedReader openStream(String url) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + web.readerToken);
        HttpResponse<InputStream> stream = web.http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        return new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
    }

    /** The lines up to the next event's data line, that one included. */
    private static List<String> linesThroughData(BufferedReader lines) throws IOException {
        List<String> read = new ArrayList<>();
        do read.add(lines.readLine()); while (!read.get(read.size() - 1).startsWith("data: "));
        return read;
    }

    /** What a client read: the event ids and each user's last effective state. */
    private record Received(List<Long> ids, Map<String, String> stateByUpn) {}

    /** Reads events until the presence of {@code lastUpn} arrives (left out of what is answered). */
    private static Received readThrough(BufferedReader lines, String lastUpn) throws IOException {
        Received received = new Received(new ArrayList<>(), new HashMap<>());
        while (true) {
            String line = lines.readLine();
            assertThat(line).as("the stream stays open").isNotNull();
            if (line.startsWith("id: ")) received.ids().add(Long.parseLong(line.substring(4)));
            if (line.startsWith("data: ")) {
                JsonNode presence = HttpResponses.JSON.readTree(line.substring(6));
                if (presence.get("upn").asText().equals(lastUpn)) return received;
                received.stateByUpn().put(presence.get("upn").asText(), presence.get("effective").get("state").asText());
            }
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

    private static void awaitClients(PresenceEvents events, int expected) {
        await(expected + " stream clients").atMost(Duration.ofSeconds(20)).until(events::clientCount, count -> count == expected);
    }

    private static Thread awaitThread(String name) {
        return await("the thread " + name).atMost(Duration.ofSeconds(20)).until(
                () -> Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).findFirst(), Optional::isPresent)
                .orElseThrow();
    }

    /** The event stream on a server of its own, with a write timeout short enough for a test to wait out. */
    private static final class StreamAlone implements AutoCloseable {
        final EmbeddedPresenceStore store = new EmbeddedPresenceStore();
        final PresenceEvents events;
        final HttpServer server;

        StreamAlone(Duration writeTimeout) throws IOException {
            events = new PresenceEvents(Duration.ofMillis(300), writeTimeout, 4);
            store.addListener(events);
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
            server.createContext("/api/events", exchange -> events.subscribe(exchange, "reader"));
            server.start();
        }

        int port() { return server.getAddress().getPort(); }

        String url() { return "http://127.0.0.1:" + port() + "/api/events"; }

        @Override
        public void close() {
            events.close();
            server.stop(0);
        }
    }
}
