package io.presencesync.adapter.cli;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.presencesync.adapter.config.AppConfig;
import io.presencesync.adapter.config.PublisherConfig;
import io.presencesync.adapter.config.SyncConfig;
import io.presencesync.adapter.config.TenantConfig;
import io.presencesync.adapter.graph.GraphCalendarSource;
import io.presencesync.adapter.graph.GraphCallStateSource;
import io.presencesync.adapter.graph.GraphClients;
import io.presencesync.adapter.graph.GraphUserDirectory;
import io.presencesync.adapter.metrics.GraphRequestMetrics;
import io.presencesync.adapter.metrics.PublishLatency;
import io.presencesync.adapter.metrics.ServiceMetrics;
import io.presencesync.adapter.publisher.ChangeLine;
import io.presencesync.adapter.publisher.EmbeddedPresenceStore;
import io.presencesync.adapter.scheduling.SyncScheduler;
import io.presencesync.adapter.web.ManagementServer;
import io.presencesync.adapter.web.PresenceDirectory;
import io.presencesync.application.SyncTiming;
import io.presencesync.application.TenantPorts;
import io.presencesync.application.TenantSync;
import io.presencesync.application.status.ObservedPorts;
import io.presencesync.application.status.ObservedPublisher;
import io.presencesync.application.status.ServiceHealth;
import io.presencesync.application.status.SyncServiceHealth;
import io.presencesync.application.status.SyncStatus;
import io.presencesync.rules.PresenceRules;
import org.quartz.SchedulerException;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Wires the configured tenants, sources, rules, store, scheduler, metrics and the management
 * server together and runs them.
 */
final class ServiceRunner implements AutoCloseable {

    /** The shortest time without any sync step starting after which the service counts as dead. */
    static final Duration MIN_HEARTBEAT = Duration.ofSeconds(60);

    private final EmbeddedPresenceStore store = new EmbeddedPresenceStore();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ServiceMetrics metrics;
    private final ManagementServer management;
    private final SyncScheduler scheduler;
    private volatile boolean schedulerRunning;

    ServiceRunner(AppConfig config, Map<String, String> env, Clock clock, PrintStream out) throws SchedulerException {
        for (PublisherConfig p : config.publishers()) {
            if (p instanceof PublisherConfig.Embedded embedded && embedded.log()) {
                store.addListener(new ChangeLine(out, clock, ZoneId.systemDefault()));
            }
        }
        List<String> names = config.tenants().stream().map(TenantConfig::name).toList();
        SyncStatus status = new SyncStatus(clock, names);
        PresenceDirectory directory = new PresenceDirectory(store);
        store.addListener(new PublishLatency(registry, clock));
        ObservedPublisher publisher = new ObservedPublisher("embedded", store, clock);
        Map<String, TenantSync> tenants = new LinkedHashMap<>();
        for (TenantConfig t : config.tenants()) {
            GraphServiceClient graph = GraphClients.create(t, env, new GraphRequestMetrics(t.name(), registry, clock));
            TenantPorts ports = ObservedPorts.observe(t.name(), new TenantPorts(new GraphUserDirectory(graph),
                    new GraphCalendarSource(t.name(), graph), new GraphCallStateSource(t.name(), graph), publisher), status);
            SyncTiming timing = new SyncTiming(config.sync().horizon(), config.sync().userRefreshInterval(),
                    config.sync().callStatePollInterval());
            tenants.put(t.name(), new TenantSync(t.name(), t.users(), t.groups(), ports, new PresenceRules(t.rules()), clock, timing));
        }
        ServiceHealth health = new SyncServiceHealth(status, List.of(publisher), () -> schedulerRunning, clock, heartbeat(config.sync()));
        metrics = new ServiceMetrics(registry, status, health, directory);
        management = ManagementServer.bind(config.management(),
                new ManagementServer.Content(health, registry, metrics::refresh, store, directory, names, clock));
        try {
            scheduler = new SyncScheduler(tenants, config.sync().calendarPollInterval(), config.sync().callStatePollInterval());
        } catch (SchedulerException | RuntimeException e) {
            management.close();
            throw e;
        }
    }

    /** Three call-state polls (every tenant's most frequent step), and never less than a minute. */
    static Duration heartbeat(SyncConfig sync) {
        Duration threePolls = sync.callStatePollInterval().multipliedBy(3);
        return threePolls.compareTo(MIN_HEARTBEAT) > 0 ? threePolls : MIN_HEARTBEAT;
    }

    EmbeddedPresenceStore store() { return store; }

    /** The management server's port (the bound one when the configuration said 0). */
    int managementPort() { return management.port(); }

    void start() throws SchedulerException {
        management.start();
        scheduler.start();
        schedulerRunning = true;
    }

    @Override
    public void close() throws SchedulerException {
        schedulerRunning = false;
        try {
            scheduler.close();
        } finally {
            management.close();
            metrics.close();
            registry.close();
        }
    }
}
