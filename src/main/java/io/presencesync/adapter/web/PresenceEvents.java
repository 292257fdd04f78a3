package io.presencesync.adapter.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.HttpExchange;
import io.presencesync.adapter.publisher.EmbeddedPresenceStore;
import io.presencesync.domain.User;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code GET /api/events}: a server-sent-events stream of effective presence changes. Publishing
 * never waits for a client: each client has a bounded queue drained by its own thread, and a
 * client whose queue is full (too slow) is dropped; it reconnects and re-reads the list.
 */
final class PresenceEvents implements EmbeddedPresenceStore.Listener, AutoCloseable {

    static final int QUEUE_PER_CLIENT = 1024;
    static final int MAX_CLIENTS = 32;
    private static final String CLOSE = "";

    private final Duration keepAlive;
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();

    PresenceEvents(Duration keepAlive) { this.keepAlive = keepAlive; }

    @Override
    public void changed(String tenant, User user, EmbeddedPresenceStore.Entry before, EmbeddedPresenceStore.Entry after) {
        if (clients.isEmpty()) return;
        if (before != null && before.effective().equals(after.effective())) return;
        String event;
        try {
            event = "id: " + ids.incrementAndGet() + "\nevent: presence\ndata: " + HttpResponses.JSON.writeValueAsString(PresenceJson.of(tenant, after)) + "\n\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        for (Client c : clients) {
            if (!c.queue.offer(event)) c.drop();
        }
    }

    /** Starts streaming to this exchange; the handler thread returns at once. */
    void subscribe(HttpExchange exchange) throws IOException {
        if (clients.size() >= MAX_CLIENTS) {
            HttpResponses.error(exchange, 503, null, "too many event-stream clients (at most " + MAX_CLIENTS + ")");
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        Client client = new Client(exchange);
        client.queue.offer(": connected; events follow as presences change\n\n");
        // Registered before the headers go out: a client that saw them has missed no change since.
        clients.add(client);
        exchange.sendResponseHeaders(200, 0);
        Thread writer = new Thread(client::stream, "sse-" + exchange.getRemoteAddress());
        writer.setDaemon(true);
        writer.start();
    }

    int clientCount() { return clients.size(); }

    @Override
    public void close() {
        for (Client c : clients) c.drop();
    }

    private final class Client {
        final HttpExchange exchange;
        final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE_PER_CLIENT);
        volatile boolean dropped;

        Client(HttpExchange exchange) { this.exchange = exchange; }

        /** Ends the stream: the writer sees CLOSE (or the queue is full and it checks the flag). */
        void drop() {
            dropped = true;
            clients.remove(this);
            queue.clear();
            queue.offer(CLOSE);
        }

        void stream() {
            try (OutputStream out = exchange.getResponseBody()) {
                while (!dropped) {
                    String next = queue.poll(keepAlive.toMillis(), TimeUnit.MILLISECONDS);
                    if (next == null) next = ": keep-alive\n\n";
                    if (dropped) break;
                    out.write(next.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (IOException | InterruptedException gone) {
                // The client went away (or the server stops): nothing to tell it.
            } finally {
                clients.remove(this);
                exchange.close();
            }
        }
    }
}
