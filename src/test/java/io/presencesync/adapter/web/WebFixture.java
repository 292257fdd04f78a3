package io.presencesync.adapter.web;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.presencesync.adapter.config.ManagementConfig;
import io.presencesync.adapter.metrics.PublishLatency;
import io.presencesync.adapter.metrics.ServiceMetrics;
import io.presencesync.adapter.publisher.EmbeddedPresenceStore;
import io.presencesync.application.UnitMembers;
import io.presencesync.application.UnitStates;
import io.presencesync.application.UnitSync;
import io.presencesync.application.delivery.UserDelivery;
import io.presencesync.application.explain.ServiceExplainer;
import io.presencesync.application.port.DeliveryListener;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.application.port.SourceResult;
import io.presencesync.application.status.PublisherState;
import io.presencesync.application.status.StepOutcome;
import io.presencesync.application.status.SyncServiceHealth;
import io.presencesync.application.status.SyncStatus;
import io.presencesync.application.status.SyncStep;
import io.presencesync.application.status.UserProblem;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.User;
import io.presencesync.rules.PresenceRules;
import io.presencesync.rules.RuleSettings;
import io.presencesync.testsupport.TenantPortsBuilder;

import io.presencesync.adapter.config.ApiConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static io.presencesync.testsupport.SyncTimingBuilder.aSyncTiming;

/**
 * A management server and an API server on free ports of 127.0.0.1 over the real parts: embedded
 * store, directory, sync status, health and metrics, and token files as an admin writes them (a
 * reader with the read scope, an admin with read and write). Tests feed the store and the status as
 * the service would; {@link #get} and {@link #put} send the admin's token to the API server.
 */
final class WebFixture implements AutoCloseable {

    static final List<String> TENANTS = List.of("contoso", "fabrikam");
    static final List<String> MANAGEMENT_PATHS = List.of("/healthz", "/readyz", "/metrics");

    final Clock clock = Clock.systemUTC();
    final EmbeddedPresenceStore store = new EmbeddedPresenceStore();
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final PresenceDirectory directory = new PresenceDirectory(store);
    final PublishLatency latency = new PublishLatency(registry, clock);
    final SyncStatus status = new SyncStatus(clock, TENANTS, aSyncTiming().build());
    final List<PublisherState> publishers = new java.util.concurrent.CopyOnWriteArrayList<>(
            List.of(new PublisherState("embedded", true, null, null, null, 0, 0, 0, 0)));
    volatile boolean schedulerRunning = true;
    final SyncServiceHealth health = new SyncServiceHealth(status, () -> publishers, () -> schedulerRunning, false);
    final ServiceMetrics metrics = new ServiceMetrics(registry, status, health, directory);
    final UnitMembers members = UnitMembers.inMemory();
    final UnitStates states = UnitStates.inMemory();
    final List<UserDelivery> deliveries = new java.util.concurrent.CopyOnWriteArrayList<>();
    final ServiceExplainer explainer = new ServiceExplainer(new ServiceExplainer.Parts(
            Map.of("contoso", new PresenceRules(RuleSettings.DEFAULTS), "fabrikam", new PresenceRules(RuleSettings.DEFAULTS)),
            aSyncTiming().build(), members, states, clock), status,
            (tenant, userId) -> deliveries.stream().filter(d -> d.answered() != null && d.answered().user().id().equals(userId)).toList());
    final Path tokens;
    final String readerToken = randomToken();
    final String adminToken = randomToken();
    final ManagementServer management;
    final ApiServer server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong versions = new AtomicLong(1);

    WebFixture() {
        this(Duration.ofSeconds(15));
    }

    WebFixture(Duration keepAlive) {
        this(keepAlive, ApiConfig.Limits.DEFAULTS);
    }

    WebFixture(Duration keepAlive, ApiConfig.Limits limits) {
        try {
            tokens = Files.createTempDirectory("presence-sync-tokens-");
            Files.writeString(tokens.resolve("reader"), readerToken + "\n");
            Files.writeString(tokens.resolve("admin"), adminToken + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        management = ManagementServer.bind(new ManagementConfig("127.0.0.1", 0), new ManagementServer.Content(health, registry, metrics::refresh));
        management.start();
        server = ApiServer.bind(apiConfig(limits), new ApiServer.Content(health, store, directory, TENANTS, clock, explainer), keepAlive);
        server.start();
    }

    ApiConfig apiConfig(ApiConfig.Limits limits) {
        return new ApiConfig("127.0.0.1", 0, List.of(
                new ApiConfig.Token("status-reader", tokens.resolve("reader"), Set.of(ApiConfig.Scope.READ)),
                new ApiConfig.Token("uc-admin", tokens.resolve("admin"), Set.of(ApiConfig.Scope.READ, ApiConfig.Scope.WRITE))),
                Optional.empty(), limits);
    }

    /** The management server's URL for its paths, the API server's for any other. */
    String url(String path) {
        boolean managed = MANAGEMENT_PATHS.stream().anyMatch(path::startsWith);
        return "http://127.0.0.1:" + (managed ? management.port() : server.port()) + path;
    }

    /** A request to {@code path} carrying {@code token} (none when null). */
    HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10));
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Publishes an event presence into the store and tells the latency metric, as the embedded store's outbox does. */
    void publish(String tenant, User user, EventPresence presence) {
        PresenceUpdate update = new PresenceUpdate(tenant, user, presence, versions.incrementAndGet());
        store.publish(update);
        latency.delivered(new DeliveryListener.Delivery("embedded", update, clock.instant(), false));
    }

    /**
     * The users as the only members of the tenant's unit 0, synchronised once as the service would: a
     * calendar poll and a call-state poll of {@code ports} through the real {@link UnitSync}, published into the store.
     */
    void sync(String tenant, List<User> users, TenantPortsBuilder ports) {
        members.save(tenant, List.of(users));
        states.run(tenant, 0, state -> {
            UnitSync sync = new UnitSync(tenant, state, ports.publishingTo(store).build(), new PresenceRules(RuleSettings.DEFAULTS), clock,
                    aSyncTiming().build());
            sync.members(users);
            sync.pollCalendars();
            sync.pollCallState();
        });
    }

    /** Every tenant's user lookup finds one user, and that user's unit ends its first calendar poll, as the sync's sources would record it. */
    void firstSyncDone() {
        for (String tenant : TENANTS) {
            SyncStatus.Run lookup = status.started(tenant, SyncStep.USER_LOOKUP, "references");
            status.usersFound(tenant, List.of("id-first"));
            status.finished(lookup, StepOutcome.OK, Map.of("first@" + tenant + ".com", "first@" + tenant + ".com"),
                    Map.of("first@" + tenant + ".com", new SourceResult.Ok<>(new User("id-first", "first@" + tenant + ".com"))));
            read(tenant, SyncStep.CALENDAR_POLL, StepOutcome.OK, List.of());
        }
    }

    /** One unit's read of a step ends with {@code outcome}, the source refusing the users of {@code refused}. */
    void read(String tenant, SyncStep step, StepOutcome outcome, List<UserProblem> refused) {
        Map<String, String> asked = new LinkedHashMap<>(Map.of("id-first", "first@" + tenant + ".com"));
        Map<String, SourceResult<Object>> results = new LinkedHashMap<>(Map.of("id-first", new SourceResult.Ok<>(List.of())));
        for (UserProblem p : refused) {
            asked.put("id-" + p.user(), p.user());
            results.put("id-" + p.user(), new SourceResult.UserError<>(p.code(), p.message()));
        }
        status.finished(status.started(tenant, step, "id-first"), outcome, asked, results);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(request(path, adminToken));
    }

    HttpResponse<String> put(String path, String json) throws IOException, InterruptedException {
        return send(request(path, adminToken).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    static String randomToken() {
        byte[] bytes = new byte[24];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    @Override
    public void close() {
        server.close();
        management.close();
        try (var files = Files.list(tokens)) {
            for (Path f : files.toList()) Files.delete(f);
            Files.delete(tokens);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        metrics.close();
        registry.close();
    }
}
