package io.presencesync.adapter.web;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.presencesync.adapter.config.ApiConfig;
import io.presencesync.adapter.config.ApiConfig.Scope;
import io.presencesync.adapter.config.ConfigException;
import io.presencesync.adapter.publisher.EmbeddedPresenceStore;
import io.presencesync.application.explain.UserExplainer;
import io.presencesync.application.status.ServiceHealth;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * The API server: the status page at {@code /}, a page per user under {@code /users}, the embedded
 * store's API under {@code /api/presences} and its event stream at {@code /api/events}, over HTTPS when {@code api.tls} is set. Deny by
 * default: the server has no way to add a route but {@link #route}, which makes the route declare the
 * scope each method needs and puts it behind the {@link AccessGuard}; a path no route serves is 401
 * before it is 404. Only the login form is open to anyone.
 */
public final class ApiServer implements AutoCloseable {

    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    private static final Map<String, Scope> READ = Map.of("GET", Scope.READ, "HEAD", Scope.READ);

    /** What the routes serve; {@code explainer} explains a synchronised user (the explain route and the user pages). */
    public record Content(ServiceHealth health, EmbeddedPresenceStore store, PresenceDirectory directory, List<String> tenants, Clock clock,
                          UserExplainer explainer) {}

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final PresenceEvents events;
    private final Sessions sessions;
    private final AccessGuard guard;
    private final ReloadingKeyManager keys;

    private ApiServer(HttpServer server, ThreadPoolExecutor executor, PresenceEvents events, Sessions sessions, AccessGuard guard,
                      ReloadingKeyManager keys) {
        this.server = server;
        this.executor = executor;
        this.events = events;
        this.sessions = sessions;
        this.guard = guard;
        this.keys = keys;
    }

    /**
     * Loads the TLS material and binds the port (so a busy port or a bad certificate fails before
     * anything else starts); serves after {@link #start()}.
     *
     * @throws ConfigException when the address cannot be bound or the certificate or key does not load, naming the key
     */
    public static ApiServer bind(ApiConfig config, Content content) {
        return bind(config, content, KEEP_ALIVE);
    }

    /** @param keepAlive how long an idle event stream waits before it sends a keep-alive comment */
    static ApiServer bind(ApiConfig config, Content content, Duration keepAlive) {
        HttpServers.limitRequests();
        ReloadingKeyManager keys = config.tls().map(ReloadingKeyManager::new).orElse(null);
        InetSocketAddress address = new InetSocketAddress(config.bindAddress(), config.port());
        HttpServer server = HttpServers.bind("api", config.bindAddress(), config.port(),
                () -> keys == null ? HttpServer.create(address, 50) : https(address, keys));
        ThreadPoolExecutor executor = HttpServers.executor("api-http");
        server.setExecutor(executor);
        TokenStore tokens = new TokenStore(config.tokens());
        ApiConfig.Limits limits = config.limits();
        Sessions sessions = new Sessions(tokens, content.clock(), limits.sessionTimeout());
        AccessGuard guard = new AccessGuard(tokens, sessions, new RequestRate(limits.requestsPerSecond(), limits.burst(), content.clock()), new AuditLog());
        PresenceEvents events = new PresenceEvents(keepAlive, limits.eventStreamsPerToken());
        content.store().addListener(events);
        ApiServer api = new ApiServer(server, executor, events, sessions, guard, keys);
        api.routes(content, new LoginRoutes(sessions, guard, keys != null));
        return api;
    }

    private void routes(Content content, LoginRoutes login) {
        PresenceApi api = new PresenceApi(content.store(), content.directory(), content.tenants(), content.clock(), content.explainer());
        StatusPage page = new StatusPage(content.health(), content.directory(), content.clock());
        route(PresenceApi.PREFIX, Map.of("GET", Scope.READ, "HEAD", Scope.READ, "PUT", Scope.WRITE), api::handle);
        route("/api/events", Map.of("GET", Scope.READ), (exchange, request) -> events.subscribe(exchange, request.caller().name()));
        route("/", READ, (exchange, request) -> {
            if (!exchange.getRequestURI().getPath().equals("/")) {
                HttpResponses.error(exchange, 404, null, "no such page " + exchange.getRequestURI().getPath());
                return;
            }
            QueryParameters params = QueryParameters.of(exchange.getRequestURI());
            var query = new StatusPage.Query(params.text("tenant"), params.text("q"), params.number("page", 0, 100_000));
            HttpResponses.html(exchange, 200, page.render(query, request.caller()));
        });
        route(UserPages.PREFIX, READ, new UserPages(content.store(), content.tenants(), content.explainer())::handle);
        server.createContext("/login", guard.open(login::login));
        server.createContext("/logout", guard.open(login::logout));
    }

    /**
     * The one way to serve a path: {@code scopes} names, per HTTP method, the scope a caller's token
     * must have; other methods are 405, and a caller without a valid token gets 401 (a browser asking
     * for a page gets the login form with it).
     */
    private void route(String path, Map<String, Scope> scopes, ApiRequest.Route route) {
        server.createContext(path, guard.protect(scopes, route, exchange -> LoginRoutes.form(exchange, 401, null)));
    }

    private static HttpsServer https(InetSocketAddress address, ReloadingKeyManager keys) throws java.io.IOException {
        SSLContext context;
        try {
            context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {keys}, null, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's TLS cannot start: " + e.getMessage(), e);
        }
        HttpsServer server = HttpsServer.create(address, 50);
        server.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = context.getDefaultSSLParameters();
                p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
                params.setSSLParameters(p);
            }
        });
        return server;
    }

    public void start() { server.start(); }

    PresenceEvents events() { return events; }

    /** The port actually bound (differs from the configured one when that is 0). */
    public int port() { return server.getAddress().getPort(); }

    /** http or https, as configured. */
    public String scheme() { return keys == null ? "http" : "https"; }

    /**
     * A link that signs a browser in once, within {@link Sessions#CODE_LIFETIME}, as the holder of
     * {@code token}; empty when the token is not valid. The link carries a one-time code, never the token.
     */
    public Optional<String> loginPath(String token) {
        return sessions.loginCode(token).map(code -> "/login?code=" + code);
    }

    /** Stops accepting, ends event streams, and gives running requests a second to finish. */
    @Override
    public void close() {
        events.close();
        server.stop(1);
        executor.shutdownNow();
    }
}
