package io.presencesync.adapter.cli;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.presencesync.adapter.config.AppConfig;
import io.presencesync.adapter.config.ClusterConfig;
import io.presencesync.adapter.config.PublisherConfig;
import io.presencesync.adapter.config.SyncConfig;
import io.presencesync.adapter.config.TenantConfig;
import io.presencesync.adapter.config.XmppConfig;
import io.presencesync.adapter.graph.TenantGraph;
import io.presencesync.adapter.logging.LogFormat;
import io.presencesync.adapter.metrics.GraphRequestMetrics;
import io.presencesync.adapter.metrics.PublishLatency;
import io.presencesync.adapter.metrics.ServiceMetrics;
import io.presencesync.adapter.publisher.ChangeLine;
import io.presencesync.adapter.publisher.EmbeddedPresenceStore;
import io.presencesync.adapter.publisher.PublisherFanOut;
import io.presencesync.adapter.scheduling.ClusterDatabase;
import io.presencesync.adapter.scheduling.SyncScheduler;
import io.presencesync.adapter.web.ApiServer;
import io.presencesync.adapter.web.ManagementServer;
import io.presencesync.adapter.web.PresenceDirectory;
import io.presencesync.adapter.xmpp.XmppFederation;
import io.presencesync.application.SyncTiming;
import io.presencesync.application.TenantPorts;
import io.presencesync.application.TenantSetup;
import io.presencesync.application.port.DeliveryListener;
import io.presencesync.application.explain.ServiceExplainer;
import io.presencesync.application.status.ObservedPorts;
import io.presencesync.application.status.ServiceHealth;
import io.presencesync.application.status.SyncServiceHealth;
import io.presencesync.application.status.SyncStatus;
import io.presencesync.rules.PresenceRules;
import org.quartz.SchedulerException;

import java.io.PrintStream;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Wires the configured tenants, sources, rules, publishers, scheduler, metrics, the management
 * server and the API server together and runs them.
 */
final class ServiceRunner implements AutoCloseable {

    private final EmbeddedPresenceStore store = new EmbeddedPresenceStore();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final PublisherFanOut publishers;
    private final ServiceMetrics metrics;
    private final ManagementServer management;
    private final ApiServer api;
    private final SyncScheduler scheduler;
    private final XmppFederation xmpp;
    private volatile boolean schedulerRunning;
    /** Set once the scheduler exists; the API server, bound before it, serves only after {@link #start()}. */
    private volatile ServiceExplainer explainer;

    /** @param changes how the embedded store's changes are shown when its publisher says {@code log: true} */
    ServiceRunner(AppConfig config, Map<String, String> env, Clock clock, ChangeLine changes) throws SchedulerException {
        this(config, env, clock, changes, DeliveryListener.NONE);
    }

    /** @param deliveries told of every store's acknowledgements besides the latency metric (the benchmark measures a publisher with it) */
    ServiceRunner(AppConfig config, Map<String, String> env, Clock clock, ChangeLine changes, DeliveryListener deliveries)
            throws SchedulerException {
        for (PublisherConfig p : config.publishers()) {
            if (p instanceof PublisherConfig.Embedded embedded && embedded.log()) {
                store.addListener(changes);
            }
        }
        List<String> names = config.tenants().stream().map(TenantConfig::name).toList();
        SyncConfig sync = config.sync();
        SyncTiming timing = new SyncTiming(sync.calendarPollInterval(), sync.horizon(), sync.userRefreshInterval(), sync.callStatePollInterval());
        SyncStatus status = new SyncStatus(clock, names, timing);
        PresenceDirectory directory = new PresenceDirectory(store);
        PublishLatency latency = new PublishLatency(registry, clock);
        publishers = PublisherFanOut.start(config.publishers(), env, clock, store, d -> {
            latency.delivered(d);
            deliveries.delivered(d);
        }, registry);
        try {
            xmpp = config.xmpp().map(x -> federation(x, config, env, clock)).orElse(null);
        } catch (RuntimeException e) {
            publishers.close();
            throw e;
        }
        try {
            List<TenantSetup> tenants = new ArrayList<>();
            for (TenantConfig t : config.tenants()) {
                TenantGraph graph = TenantGraph.connect(t, env, clock, new GraphRequestMetrics(t.name(), registry, clock));
                TenantPorts ports = ObservedPorts.observe(t.name(),
                        new TenantPorts(graph.directory(), graph.calendars(), graph.callStates(), publishers), status);
                tenants.add(new TenantSetup(t.name(), t.users(), t.groups(), ports, new PresenceRules(t.rules())));
            }
            ServiceHealth health = new SyncServiceHealth(status, publishers::health, () -> schedulerRunning, config.cluster().isPresent(),
                    () -> xmpp == null ? List.of() : List.of(xmpp.state()));
            metrics = new ServiceMetrics(registry, status, health, directory);
            try {
                management = ManagementServer.bind(config.management(), new ManagementServer.Content(health, registry, metrics::refresh));
            } catch (RuntimeException e) {
                metrics.close();
                throw e;
            }
            try {
                api = ApiServer.bind(config.api(), new ApiServer.Content(health, store, directory, names, clock, (t, u) -> explainer.explain(t, u)));
            } catch (RuntimeException e) {
                management.close();
                metrics.close();
                throw e;
            }
            try {
                scheduler = new SyncScheduler(tenants, timing, sync.unitSize(), sync.threads(), clock, config.cluster().map(c -> database(c, env)), publishers);
                FunctionCounter.builder("presencesync.stored.state.unreadable", scheduler, SyncScheduler::unreadableRows)
                        .description("unit states and rosters found unreadable in the database (each recovered afresh)").register(registry);
                for (String tenant : scheduler.tenants()) {
                    FunctionCounter.builder("presencesync.polls.put.off", scheduler, s -> s.pollsPutOff(tenant)).tag("tenant", tenant)
                            .description("polls put off by a second because the tenant's runs held its share of the sync threads").register(registry);
                }
                explainer = scheduler.explainer(status, publishers::deliveries);
            } catch (SchedulerException | RuntimeException e) {
                api.close();
                management.close();
                metrics.close();
                throw e;
            }
        } catch (SchedulerException | RuntimeException e) {
            publishers.close();
            if (xmpp != null) xmpp.close();
            throw e;
        }
    }

    EmbeddedPresenceStore store() { return store; }

    PublisherFanOut publishers() { return publishers; }

    /** The management server's port (the bound one when the configuration said 0). */
    int managementPort() { return management.port(); }

    /** The API server: the status page and the store API. */
    ApiServer api() { return api; }

    void start() throws SchedulerException {
        management.start();
        api.start();
        if (xmpp != null) xmpp.start();
        scheduler.start();
        schedulerRunning = true;
    }

    @Override
    public void close() throws SchedulerException {
        schedulerRunning = false;
        try {
            scheduler.close();
        } finally {
            publishers.close(); // after the last job: flushes what the jobs published
            api.close();
            if (xmpp != null) xmpp.close();
            management.close();
            metrics.close();
            registry.close();
        }
    }

    /** On a cluster node the federation shares presences and subscribers through the cluster's PostgreSQL; else this node's store and a file. */
    private XmppFederation federation(XmppConfig x, AppConfig config, Map<String, String> env, Clock clock) {
        return config.cluster()
                .map(c -> XmppFederation.clustered(x, env, clock, store, database(c, env), SyncScheduler.instanceId(clock), c.checkinInterval()))
                .orElseGet(() -> XmppFederation.singleNode(x, env, clock, store));
    }

    private static ClusterDatabase database(ClusterConfig c, Map<String, String> env) {
        String password = c.password() == null ? null : c.password().read(env);
        return new ClusterDatabase(c.jdbcUrl(), c.username(), password, c.checkinInterval(), c.maxConnections());
    }

    /**
     * Presence changes as readable lines on {@code out} when the logs are text, as log events when
     * they are JSON: then every line the process writes is JSON, as log collectors expect.
     */
    static ChangeLine changeLines(PrintStream out, Clock clock) {
        return LogFormat.active() == LogFormat.JSON ? ChangeLine.logEvents(clock, ZoneId.systemDefault())
                : ChangeLine.text(out, clock, ZoneId.systemDefault());
    }
}
