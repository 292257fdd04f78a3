package io.presencesync.adapter.cli;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import io.presencesync.adapter.config.AppConfig;
import io.presencesync.adapter.config.ClusterConfig;
import io.presencesync.adapter.config.PublisherConfig;
import io.presencesync.adapter.config.SyncConfig;
import io.presencesync.adapter.config.TenantConfig;
import io.presencesync.adapter.graph.GraphCalendarSource;
import io.presencesync.adapter.graph.GraphCallStateSource;
import io.presencesync.adapter.graph.GraphClients;
import io.presencesync.adapter.graph.GraphUserDirectory;
import io.presencesync.adapter.publisher.ChangeLine;
import io.presencesync.adapter.publisher.DeliveryListener;
import io.presencesync.adapter.publisher.EmbeddedPresenceStore;
import io.presencesync.adapter.scheduling.ClusterDatabase;
import io.presencesync.adapter.publisher.PublisherFanOut;
import io.presencesync.adapter.scheduling.SyncScheduler;
import io.presencesync.application.SyncTiming;
import io.presencesync.application.TenantPorts;
import io.presencesync.application.TenantSetup;
import io.presencesync.rules.PresenceRules;
import org.quartz.SchedulerException;

import java.io.PrintStream;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Wires the configured tenants, sources, rules, store and scheduler together and runs them. */
final class ServiceRunner implements AutoCloseable {

    private final EmbeddedPresenceStore store = new EmbeddedPresenceStore();
    private final PublisherFanOut publishers;
    private final SyncScheduler scheduler;

    ServiceRunner(AppConfig config, Map<String, String> env, Clock clock, PrintStream out) throws SchedulerException {
        for (PublisherConfig p : config.publishers()) {
            if (p instanceof PublisherConfig.Embedded embedded && embedded.log()) {
                store.addListener(new ChangeLine(out, clock, ZoneId.systemDefault()));
            }
        }
        publishers = PublisherFanOut.start(config.publishers(), env, clock, store, DeliveryListener.NONE);
        try {
            List<TenantSetup> tenants = new ArrayList<>();
            for (TenantConfig t : config.tenants()) {
                GraphServiceClient graph = GraphClients.create(t, env);
                TenantPorts ports = new TenantPorts(new GraphUserDirectory(graph), new GraphCalendarSource(t.name(), graph, t.graph()),
                        new GraphCallStateSource(t.name(), graph), publishers);
                tenants.add(new TenantSetup(t.name(), t.users(), t.groups(), ports, new PresenceRules(t.rules())));
            }
            SyncConfig sync = config.sync();
            SyncTiming timing = new SyncTiming(sync.calendarPollInterval(), sync.horizon(), sync.userRefreshInterval(), sync.callStatePollInterval());
            scheduler = new SyncScheduler(tenants, timing, sync.unitSize(), sync.threads(), clock, config.cluster().map(c -> database(c, env)));
        } catch (RuntimeException | SchedulerException e) {
            publishers.close();
            throw e;
        }
    }

    EmbeddedPresenceStore store() { return store; }

    PublisherFanOut publishers() { return publishers; }

    void start() throws SchedulerException { scheduler.start(); }

    @Override
    public void close() throws SchedulerException {
        try {
            scheduler.close();
        } finally {
            publishers.close(); // after the last job: flushes what the jobs published
        }
    }

    private static ClusterDatabase database(ClusterConfig c, Map<String, String> env) {
        String password = c.password() == null ? null : c.password().read(env);
        return new ClusterDatabase(c.jdbcUrl(), c.username(), password, c.checkinInterval(), c.maxConnections());
    }
}
