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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /api/events}: a server-sent-events stream of effective presence changes. Publishing
 * never waits for a client: each client has its own writer thread and a queue that keeps only each
 * user's latest change, so a client that reads never misses a user's latest presence; a client
 * that takes nothing for {@link #WRITE_TIMEOUT} (one write blocked that long), or falls behind by
 * {@link #MAX_PENDING_USERS} users, is disconnected. One token holds at most its configured number
 * of streams, so that one caller cannot take every slot.
 */
final class PresenceEvents implements EmbeddedPresenceStore.Listener, AutoCloseable {

    static final int MAX_CLIENTS = 32;
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);
    static final Duration RETRY = Duration.ofSeconds(5);
    /**
     * Users one client may have waiting: a client this far behind is disconnected (reconnect and
     * re-read the list), so 32 stalled clients hold a few tens of MB, not a copy of every user each.
     */
    static final int MAX_PENDING_USERS = 20_000;

    private final Duration keepAlive;
    private final Duration writeTimeout;
    private final int perCaller;
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    /**
     * Interrupts a writer stuck in one write: the JDK server writes through a blocking SocketChannel,
     * which an interrupt closes, so the write fails, the socket is closed and the thread ends.
     */
    private final ScheduledThreadPoolExecutor watchdog = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "sse-write-watchdog");
        t.setDaemon(true);
        return t;
    });

    /** @param perCaller streams one caller (token name) may hold open at once */
    PresenceEvents(Duration keepAlive, int perCaller) { this(keepAlive, WRITE_TIMEOUT, perCaller); }

    /** @param writeTimeout how long one write to a client may take before the client is disconnected */
    PresenceEvents(Duration keepAlive, Duration writeTimeout, int perCaller) {
        this.keepAlive = keepAlive;
        this.writeTimeout = writeTimeout;
        this.perCaller = perCaller;
        watchdog.setRemoveOnCancelPolicy(true);
        watchdog.setKeepAliveTime(30, TimeUnit.SECONDS);
        watchdog.allowCoreThreadTimeOut(true);
    }

    @Override
    public void changed(String tenant, User user, EmbeddedPresenceStore.Entry before, EmbeddedPresenceStore.Entry after) {
        if (clients.isEmpty()) return;
        if (before != null && before.effective().equals(after.effective())) return;
        String data;
        try {
            data = HttpResponses.JSON.writeValueAsString(PresenceJson.of(tenant, after));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        String key = tenant + '/' + user.id();
        for (Client c : clients) c.offer(key, data);
    }

    /** Starts streaming to this exchange for {@code caller} (a token's name); the handler thread returns at once. */
    void subscribe(HttpExchange exchange, String caller) throws IOException {
        Client client = new Client(exchange, caller);
        // Registered before the headers go out: a client that saw them has missed no change since.
        boolean full;
        boolean callerFull;
        synchronized (clients) {
            full = clients.size() >= MAX_CLIENTS;
            callerFull = clients.stream().filter(c -> c.caller.equals(caller)).count() >= perCaller;
            if (!full && !callerFull) clients.add(client);
        }
        if (callerFull) {
            exchange.getResponseHeaders().set("Retry-After", String.valueOf(RETRY.toSeconds()));
            HttpResponses.error(exchange, 429, null, "token " + caller + " has " + perCaller + " event streams open already (api.limits.eventStreamsPerToken)");
            return;
        }
        if (full) {
            HttpResponses.error(exchange, 503, null, "too many event-stream clients (at most " + MAX_CLIENTS + ")");
            return;
        }
        client.writer.start();
    }

    /** Clients connected; each has a writer thread until its connection is closed. */
    int clientCount() { return clients.size(); }

    @Override
    public void close() {
        for (Client c : clients) c.writer.interrupt();
        watchdog.shutdownNow();
    }

    private final class Client {
        final HttpExchange exchange;
        final String caller;
        final Thread writer;
        /** Per user (tenant/id) the JSON of their latest change not yet written, in the order they first became pending. */
        private final LinkedHashMap<String, String> pending = new LinkedHashMap<>();
        private long lastId;

        Client(HttpExchange exchange, String caller) {
            this.exchange = exchange;
            this.caller = caller;
            this.writer = new Thread(this::stream, "sse-" + exchange.getRemoteAddress());
            writer.setDaemon(true);
        }

        synchronized void offer(String user, String data) {
            if (pending.size() >= MAX_PENDING_USERS && !pending.containsKey(user)) {
                writer.interrupt();
                return;
            }
            if (pending.put(user, data) == null && pending.size() == 1) notifyAll();
        }

        /** The next user's latest change, or null when none came within the keep-alive interval. */
        private synchronized String next() throws InterruptedException {
            if (pending.isEmpty()) wait(keepAlive.toMillis());
            Iterator<String> first = pending.values().iterator();
            if (!first.hasNext()) return null;
            String data = first.next();
            first.remove();
            return data;
        }

        private synchronized boolean nothingPending() { return pending.isEmpty(); }

        void stream() {
            try {
                exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
                exchange.getResponseHeaders().set("Cache-Control", "no-store");
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                write(out, "retry: " + RETRY.toMillis() + "\n: connected; events follow as presences change, ids count from 1\n\n", true);
                while (true) {
                    String data = next();
                    if (data == null) write(out, ": keep-alive\n\n", true);
                    else write(out, "id: " + ++lastId + "\nevent: presence\ndata: " + data + "\n\n", nothingPending());
                }
            } catch (IOException gone) {
                // The client went away, or stopped reading and the watchdog closed its socket: nothing to tell it.
            } catch (InterruptedException | RejectedExecutionException stopping) {
                // The server stops: closing the exchange while interrupted closes the socket at once,
                // instead of waiting to write the stream's end to a client that may not read.
                Thread.currentThread().interrupt();
            } finally {
                clients.remove(this);
                exchange.close();
            }
        }

        private void write(OutputStream out, String text, boolean flush) throws IOException {
            ScheduledFuture<?> timeout = watchdog.schedule(writer::interrupt, writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
            try {
                out.write(text.getBytes(StandardCharsets.UTF_8));
                if (flush) out.flush();
            } finally {
                timeout.cancel(false);
            }
        }
    }
}
