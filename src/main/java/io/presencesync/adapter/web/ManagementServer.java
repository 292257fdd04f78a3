package io.presencesync.adapter.web;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.presencesync.adapter.config.ConfigException;
import io.presencesync.adapter.config.ManagementConfig;
import io.presencesync.application.status.ServiceHealth;

import java.net.InetSocketAddress;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * The management HTTP server (JDK's com.sun.net.httpserver): {@code /healthz}, {@code /readyz} and
 * {@code /metrics}, without authentication, for the kubelet and Prometheus. They tell whether the
 * service works and how much, never whose presence is what; anything else is 404 here. The status
 * page and the store API are on the {@link ApiServer}.
 */
public final class ManagementServer implements AutoCloseable {

    /** What the routes serve. */
    public record Content(ServiceHealth health, PrometheusMeterRegistry registry, Runnable beforeScrape) {}

    private final HttpServer server;
    private final ThreadPoolExecutor executor;

    private ManagementServer(HttpServer server, ThreadPoolExecutor executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds the port (so a busy port fails before anything else starts); serves after {@link #start()}.
     *
     * @throws ConfigException when the address cannot be bound, naming it and {@code management.port}
     */
    public static ManagementServer bind(ManagementConfig config, Content content) {
        HttpServers.limitRequests();
        HttpServer server = HttpServers.bind("management", config.bindAddress(), config.port(),
                () -> HttpServer.create(new InetSocketAddress(config.bindAddress(), config.port()), 50));
        ThreadPoolExecutor executor = HttpServers.executor("management-http");
        server.setExecutor(executor);
        HealthRoutes health = new HealthRoutes(content.health());
        server.createContext("/healthz", HttpServers.answering(health::live));
        server.createContext("/readyz", HttpServers.answering(health::ready));
        server.createContext("/metrics", HttpServers.answering(exchange -> {
            content.beforeScrape().run();
            HttpResponses.text(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", content.registry().scrape());
        }));
        server.createContext("/", HttpServers.answering(exchange -> HttpResponses.error(exchange, 404, null,
                "no such page " + exchange.getRequestURI().getPath() + " on the management port (/healthz, /readyz, /metrics); "
                        + "the status page and the store API are on the API port")));
        return new ManagementServer(server, executor);
    }

    public void start() { server.start(); }

    /** The port actually bound (differs from the configured one when that is 0). */
    public int port() { return server.getAddress().getPort(); }

    /** Stops accepting and gives running requests a second to finish. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }
}
