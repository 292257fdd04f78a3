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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code GET /api/events}: a server-sent-events stream of effective presence changes. Publishing
 * never waits for a client: each client has a bounded queue drained by its own thread, and a
 * client whose queue is full (too slow) or that takes nothing for {@link #WRITE_TIMEOUT} is dropped:
 * its connection is closed; it reconnects and re-reads the list.
 */
final class PresenceEvents implements EmbeddedPresenceStore.Listener, AutoCloseable {

    static final int QUEUE_PER_CLIENT = 1024;
    static final int MAX_CLIENTS = 32;
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

    private final Duration keepAlive;
    private final Duration writeTimeout;
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();
    /**
     * Interrupts a writer stuck in one write: the JDK server writes through a blocking SocketChannel,
     * which an interrupt closes, so the write fails, the socket is closed and the thread ends.
     */
    private final ScheduledThreadPoolExecutor watchdog = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "sse-write-watchdog");
        t.setDaemon(true);
        return t;
    });

    PresenceEvents(Duration keepAlive) { this(keepAlive, WRITE_TIMEOUT); }

    /** @param writeTimeout how long one write to a client may take before the client is disconnected */
    PresenceEvents(Duration keepAlive, Duration writeTimeout) {
        this.keepAlive = keepAlive;
        this.writeTimeout = writeTimeout;
        watchdog.setRemoveOnCancelPolicy(true);
        watchdog.setKeepAliveTime(30, TimeUnit.SECONDS);
        watchdog.allowCoreThreadTimeOut(true);
    }

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
        Client client = new Client(exchange);
        // Registered before the headers go out: a client that saw them has missed no change since.
        boolean admitted;
        synchronized (clients) {
            admitted = clients.size() < MAX_CLIENTS && clients.add(client);
        }
        if (!admitted) {
            HttpResponses.error(exchange, 503, null, "too many event-stream clients (at most " + MAX_CLIENTS + ")");
            return;
        }
        client.queue.offer(": connected; events follow as presences change\n\n");
        client.writer.start();
    }

    /** Clients connected; each has a writer thread until its connection is closed. */
    int clientCount() { return clients.size(); }

    @Override
    public void close() {
        for (Client c : clients) c.drop();
        watchdog.shutdownNow();
    }

    private final class Client {
        final HttpExchange exchange;
        final Thread writer;
        final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE_PER_CLIENT);

        Client(HttpExchange exchange) {
            this.exchange = exchange;
            this.writer = new Thread(this::stream, "sse-" + exchange.getRemoteAddress());
            writer.setDaemon(true);
        }

        /** Ends the stream: interrupting the writer ends its wait, or closes the socket under a blocked write. */
        void drop() { writer.interrupt(); }

        void stream() {
            try {
                exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
                exchange.getResponseHeaders().set("Cache-Control", "no-store");
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                while (true) {
                    String next = queue.poll(keepAlive.toMillis(), TimeUnit.MILLISECONDS);
                    write(out, next == null ? ": keep-alive\n\n" : next);
                }
            } catch (IOException gone) {
                // The client went away, or it was dropped during a write and its socket closed: nothing to tell it.
            } catch (InterruptedException | RejectedExecutionException dropped) {
                // Dropped, or the server stops: closing the exchange while interrupted closes the socket
                // at once, instead of waiting to write the stream's end to a client that may not read.
                Thread.currentThread().interrupt();
            } finally {
                clients.remove(this);
                exchange.close();
            }
        }

        private void write(OutputStream out, String text) throws IOException {
            ScheduledFuture<?> timeout = watchdog.schedule(writer::interrupt, writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
            try {
                out.write(text.getBytes(StandardCharsets.UTF_8));
                out.flush();
            } finally {
                timeout.cancel(false);
            }
        }
    }
}
