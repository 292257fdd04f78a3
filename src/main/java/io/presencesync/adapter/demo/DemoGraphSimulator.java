package io.presencesync.adapter.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An embedded Microsoft Graph and Entra ID for the {@code demo} command: one HTTPS port on 127.0.0.1
 * serving the client-credentials token endpoint, user lookup, the members of the all-users group,
 * getSchedule, calendarView and getPresencesByUserId (alone or inside {@code $batch}) for the
 * {@link DemoCalendars} tenant.
 */
public final class DemoGraphSimulator implements AutoCloseable {

    /** The requests the simulator tells apart, for {@link #requestCount(Endpoint)}. */
    public enum Endpoint {
        TOKEN("POST", "/([^/]+)/oauth2/v2\\.0/token"),
        OPENID_CONFIGURATION("GET", "/([^/]+)/v2\\.0/\\.well-known/openid-configuration"),
        INSTANCE_DISCOVERY("GET", "/common/discovery/instance"),
        USER("GET", "/v1\\.0/users/([^/]+)"),
        GET_SCHEDULE("POST", "/v1\\.0/users/([^/]+)/calendar/getSchedule"),
        PRESENCES("POST", "/v1\\.0/communications/getPresencesByUserId"),
        /** A group's transitive user members, in pages ({@code $top} up to 999, {@code @odata.nextLink}). */
        GROUP_MEMBERS("GET", "/v1\\.0/groups/([^/]+)/transitiveMembers/graph\\.user"),
        /** A user's events in a window; not used by the service (the benchmark's per-user comparison). */
        CALENDAR_VIEW("GET", "/v1\\.0/users/([^/]+)/calendarView"),
        /** Several of the others in one request; each of its items is counted under its own endpoint too. */
        BATCH("POST", "/v1\\.0/\\$batch"),
        /** Anything else, answered 404 (or 405 for a known path with the wrong method). */
        UNKNOWN(null, "");

        private final String method;
        private final Pattern path;

        Endpoint(String method, String path) {
            this.method = method;
            this.path = Pattern.compile(path);
        }

        /** Graph endpoints want a bearer token issued by the simulator; the authority's do not. */
        boolean isGraph() {
            return this == USER || this == GET_SCHEDULE || this == PRESENCES || this == GROUP_MEMBERS || this == CALENDAR_VIEW
                    || this == BATCH;
        }
    }

    /** The demo tenant's fixed directory id, the same on every start. */
    public static final String TENANT_ID = "0b1d5f3e-7c2a-4e8b-9d61-5a3c2f4e8d10";
    /** The demo app registration's fixed client id. */
    public static final String CLIENT_ID = "6f0c2b8e-3d4a-4f51-8e7b-1c9d2a3b4c5d";
    static final int MAX_BODY_BYTES = 1 << 20;
    private static final int THREADS = 4;
    private static final Logger log = LoggerFactory.getLogger(DemoGraphSimulator.class);

    private final HttpsServer server;
    private final ExecutorService executor;
    private final DemoCertificate certificate;
    private final boolean ownsCertificate;
    private final DemoCalendars calendars;
    private final DemoAuthority authority;
    private final DemoGraphApi graph;
    private final String clientSecret;
    private final Clock clock;
    private final Map<Endpoint, AtomicInteger> counts = new EnumMap<>(Endpoint.class);
    private final AtomicBoolean closed = new AtomicBoolean();

    private DemoGraphSimulator(HttpsServer server, ExecutorService executor, DemoCertificate certificate,
                               boolean ownsCertificate, Clock clock, DemoCalendars calendars) {
        this.server = server;
        this.executor = executor;
        this.certificate = certificate;
        this.ownsCertificate = ownsCertificate;
        this.clock = clock;
        this.calendars = calendars;
        this.clientSecret = DemoAuthority.randomSecret();
        this.authority = new DemoAuthority(authorityHost(), TENANT_ID, DemoCalendars.DOMAIN, CLIENT_ID, clientSecret, clock);
        this.graph = new DemoGraphApi(calendars, clock);
        for (Endpoint e : Endpoint.values()) counts.put(e, new AtomicInteger());
    }

    /** Starts on an ephemeral port with a fresh self-signed certificate; the calendars start at {@code clock.instant()}. */
    public static DemoGraphSimulator start(Clock clock) {
        DemoCertificate certificate = DemoCertificate.generate();
        try {
            return start(clock, certificate, DemoCalendars.startingAt(clock.instant()), true);
        } catch (RuntimeException e) {
            certificate.close();
            throw e;
        }
    }

    /**
     * Starts with a certificate the caller owns and closes, e.g. one shared by every HTTPS test of a JVM
     * (Azure Identity's Netty client fixes its trusted certificates at the JVM's first HTTPS request),
     * serving the given calendars.
     */
    public static DemoGraphSimulator start(Clock clock, DemoCertificate certificate, DemoCalendars calendars) {
        return start(clock, certificate, calendars, false);
    }

    private static DemoGraphSimulator start(Clock clock, DemoCertificate certificate, DemoCalendars calendars, boolean owns) {
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, daemonThreads());
        try {
            HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(certificate.serverContext()));
            server.setExecutor(executor);
            DemoGraphSimulator simulator = new DemoGraphSimulator(server, executor, certificate, owns, clock, calendars);
            server.createContext("/", simulator::handle);
            server.start();
            log.info("demo Graph simulator listening on {} ({} users of {})", simulator.authorityHost(),
                    simulator.calendars.users().size(), DemoCalendars.DOMAIN);
            return simulator;
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("cannot start the demo Graph simulator on 127.0.0.1", e);
        }
    }

    /** The authority host for Azure Identity, e.g. {@code https://127.0.0.1:PORT} (no tenant in it). */
    public String authorityHost() { return "https://127.0.0.1:" + server.getAddress().getPort(); }

    /** The Graph base URL including the version, e.g. {@code https://127.0.0.1:PORT/v1.0}. */
    public String graphBaseUrl() { return authorityHost() + "/v1.0"; }

    public String tenantId() { return TENANT_ID; }

    public String clientId() { return CLIENT_ID; }

    /** The demo app's client secret, new on every start. */
    public String clientSecret() { return clientSecret; }

    public List<String> userPrincipalNames() {
        return calendars.users().stream().map(DemoCalendars.DemoUser::userPrincipalName).toList();
    }

    /** The demo tenant served: users, appointments and calls. */
    public DemoCalendars calendars() { return calendars; }

    /**
     * A PKCS12 trust store holding only the simulator's certificate. The Graph SDK (OkHttp) and Azure
     * Identity (Netty) trust it through {@code javax.net.ssl.trustStore*}, which must name it before
     * the JVM's first HTTPS request: Netty reads the trust store once.
     */
    public Path trustStore() { return certificate.trustStore(); }

    public char[] trustStorePassword() { return certificate.password(); }

    /** Told the addresses of every getSchedule request (in a {@code $batch} or not) as it is answered; the benchmark's per-user poll record. */
    public void onGetSchedule(Consumer<List<String>> listener) { graph.onGetSchedule(listener); }

    /** How many requests reached an endpoint since start, whatever their outcome. */
    public int requestCount(Endpoint endpoint) { return counts.get(endpoint).get(); }

    /** Stops serving at once and deletes the certificate files (unless the caller owns the certificate). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ownsCertificate) certificate.close();
    }

    private void handle(HttpExchange exchange) {
        try {
            send(exchange, reply(exchange), UUID.randomUUID().toString());
        } catch (IOException | RuntimeException e) {
            log.debug("demo Graph simulator: could not answer {} {}: {}", exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(), e.toString());
        } finally {
            exchange.close();
        }
    }

    private DemoReply reply(HttpExchange exchange) {
        String rawPath = exchange.getRequestURI().getRawPath();
        Endpoint endpoint = route(rawPath);
        counts.get(endpoint).incrementAndGet();
        try {
            DemoRequest request = new DemoRequest(exchange.getRequestMethod(), rawPath,
                    exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body(exchange));
            DemoReply reply = answer(endpoint, request);
            log.debug("demo Graph simulator: {} {} -> {}", request.method(), endpoint, reply.status());
            return reply;
        } catch (DemoReply.DemoFault fault) {
            return fault.reply();
        } catch (RuntimeException | IOException e) {
            // One bad request must never take the server down: answer 500, as Graph would.
            log.warn("demo Graph simulator: {} {} failed", exchange.getRequestMethod(), endpoint, e);
            return DemoReply.graphError(500, "InternalServerError", "The demo Graph simulator failed: " + e.getClass().getSimpleName());
        }
    }

    private DemoReply answer(Endpoint endpoint, DemoRequest request) {
        if (endpoint.isGraph() && endpoint.method != null && endpoint.method.equals(request.method())) {
            Optional<DemoReply> rejected = authority.rejectUnauthenticated(request.header("Authorization"));
            if (rejected.isPresent()) return rejected.get();
        }
        return dispatch(endpoint, request);
    }

    /** One item of a {@code $batch}: authenticated with the batch, answered as if sent alone. */
    private DemoReply batchItem(DemoRequest item) {
        Endpoint endpoint = route(item.rawPath());
        counts.get(endpoint).incrementAndGet();
        if (endpoint == Endpoint.BATCH) return DemoReply.graphError(400, "BadRequest", "A $batch cannot hold another $batch.");
        try {
            return dispatch(endpoint, item);
        } catch (DemoReply.DemoFault fault) {
            return fault.reply();
        }
    }

    private DemoReply dispatch(Endpoint endpoint, DemoRequest request) {
        if (endpoint == Endpoint.UNKNOWN) {
            log.info("demo Graph simulator: no such endpoint: {} {}", request.method(), request.rawPath());
            return DemoReply.graphError(404, "UnknownError", "The demo Graph simulator does not serve "
                    + request.method() + " " + request.rawPath() + ".");
        }
        if (!endpoint.method.equals(request.method())) {
            return DemoReply.graphError(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.");
        }
        Matcher m = endpoint.path.matcher(request.rawPath());
        String segment = m.matches() && m.groupCount() > 0 ? DemoRequest.decodeSegment(m.group(1)) : null;
        return switch (endpoint) {
            case TOKEN -> authority.token(segment, request);
            case OPENID_CONFIGURATION -> authority.openIdConfiguration(segment);
            case INSTANCE_DISCOVERY -> authority.instanceDiscovery();
            case USER -> graph.user(segment, request);
            case GET_SCHEDULE -> graph.schedule(segment, request);
            case PRESENCES -> graph.presences(request);
            case GROUP_MEMBERS -> graph.groupMembers(segment, request, graphBaseUrl());
            case CALENDAR_VIEW -> graph.calendarView(segment, request);
            case BATCH -> DemoBatch.answer(request, "/v1.0", this::batchItem);
            case UNKNOWN -> throw new IllegalStateException("unreachable");
        };
    }

    private static Endpoint route(String rawPath) {
        for (Endpoint e : Endpoint.values()) {
            if (e != Endpoint.UNKNOWN && e.path.matcher(rawPath).matches()) return e;
        }
        return Endpoint.UNKNOWN;
    }

    private static byte[] body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw DemoReply.graphError(413, "RequestEntityTooLarge", "The request body exceeds " + MAX_BODY_BYTES + " bytes.").fault();
            }
            return body;
        }
    }

    private void send(HttpExchange exchange, DemoReply reply, String requestId) throws IOException {
        if (reply.body() instanceof ObjectNode body && body.get("error") instanceof ObjectNode error) {
            ObjectNode inner = error.putObject("innerError").put("date", clock.instant().toString()).put("request-id", requestId);
            String clientRequestId = exchange.getRequestHeaders().getFirst("client-request-id");
            if (clientRequestId != null) inner.put("client-request-id", clientRequestId);
        }
        byte[] bytes = DemoReply.JSON.writeValueAsBytes(reply.body());
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.getResponseHeaders().set("request-id", requestId);
        exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread t = new Thread(runnable, "demo-graph-simulator-" + n.incrementAndGet());
            t.setDaemon(true); // a simulator that was never closed must not keep the JVM alive
            return t;
        };
    }
}
