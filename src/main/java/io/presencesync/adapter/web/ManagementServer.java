package io.presencesync.adapter.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.presencesync.adapter.config.ConfigException;
import io.presencesync.adapter.config.ManagementConfig;
import io.presencesync.adapter.publisher.EmbeddedPresenceStore;
import io.presencesync.application.status.ServiceHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The management HTTP server (JDK's com.sun.net.httpserver): {@code /healthz}, {@code /readyz},
 * {@code /metrics}, the status page at {@code /}, and the embedded store's API under {@code /api}.
 * Requests run on a small bounded pool; when it and its queue are full, new connections are closed.
 */
public final class ManagementServer implements AutoCloseable {

    static final int THREADS = 4;
    static final int QUEUE = 64;
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    private static final Logger log = LoggerFactory.getLogger(ManagementServer.class);

    /** What the routes serve. */
    public record Content(ServiceHealth health, PrometheusMeterRegistry registry, Runnable beforeScrape, EmbeddedPresenceStore store,
                          PresenceDirectory directory, List<String> tenants, Clock clock) {}

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final PresenceEvents events;

    private ManagementServer(HttpServer server, ThreadPoolExecutor executor, PresenceEvents events) {
        this.server = server;
        this.executor = executor;
        this.events = events;
    }

    /**
     * Binds the port (so a busy port fails before anything else starts); serves after {@link #start()}.
     *
     * @throws ConfigException when the address cannot be bound, naming it and {@code management.port}
     */
    public static ManagementServer bind(ManagementConfig config, Content content) {
        return bind(config, content, KEEP_ALIVE);
    }

    /** @param keepAlive how long an idle event stream waits before it sends a keep-alive comment */
    static ManagementServer bind(ManagementConfig config, Content content, Duration keepAlive) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(config.bindAddress(), config.port()), 50);
        } catch (BindException e) {
            throw new ConfigException("management.port: cannot listen on " + config.bindAddress() + ":" + config.port() + " ("
                    + e.getMessage() + "); another process uses that port: stop it or choose another management.port", e);
        } catch (IOException e) {
            throw new ConfigException("management.bindAddress/port: cannot listen on " + config.bindAddress() + ":" + config.port()
                    + ": " + e.getMessage(), e);
        }
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "management-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        executor.allowCoreThreadTimeOut(true);
        server.setExecutor(executor);
        PresenceEvents events = new PresenceEvents(keepAlive);
        content.store().addListener(events);
        HealthRoutes health = new HealthRoutes(content.health());
        PresenceApi api = new PresenceApi(content.store(), content.directory(), content.tenants(), content.clock());
        StatusPage page = new StatusPage(content.health(), content.directory(), content.clock());
        route(server, "/healthz", health::live);
        route(server, "/readyz", health::ready);
        route(server, "/metrics", exchange -> {
            content.beforeScrape().run();
            HttpResponses.text(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", content.registry().scrape());
        });
        route(server, PresenceApi.PREFIX, api::handle);
        route(server, "/api/events", events::subscribe);
        route(server, "/", exchange -> {
            if (!exchange.getRequestURI().getPath().equals("/")) {
                HttpResponses.error(exchange, 404, null, "no such page " + exchange.getRequestURI().getPath());
                return;
            }
            QueryParameters params = QueryParameters.of(exchange.getRequestURI());
            var query = new StatusPage.Query(params.text("tenant"), params.text("q"), params.number("page", 0, 100_000));
            HttpResponses.html(exchange, 200, page.render(query));
        });
        return new ManagementServer(server, executor, events);
    }

    public void start() { server.start(); }

    PresenceEvents events() { return events; }

    /** The port actually bound (differs from the configured one when that is 0). */
    public int port() { return server.getAddress().getPort(); }

    /** Stops accepting, ends event streams, and gives running requests a second to finish. */
    @Override
    public void close() {
        events.close();
        server.stop(1);
        executor.shutdownNow();
    }

    private interface Route {
        void handle(HttpExchange exchange) throws IOException;
    }

    private static void route(HttpServer server, String path, Route route) {
        server.createContext(path, exchange -> {
            try {
                route.handle(exchange);
            } catch (BadRequest e) {
                HttpResponses.error(exchange, 400, e.field(), e.getMessage());
            } catch (PresenceApi.MethodNotAllowed e) {
                exchange.getResponseHeaders().set("Allow", e.allowed);
                HttpResponses.error(exchange, 405, null, e.getMessage());
            } catch (RuntimeException e) {
                log.error("management server: {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e);
                HttpResponses.error(exchange, 500, null, "internal error; see the service log");
            }
        });
    }
}
