package io.presencesync.adapter.cli;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import io.presencesync.adapter.config.AppConfig;
import io.presencesync.adapter.config.PublisherConfig;
import io.presencesync.adapter.config.TenantConfig;
import io.presencesync.adapter.graph.GraphCalendarSource;
import io.presencesync.adapter.graph.GraphCallStateSource;
import io.presencesync.adapter.graph.GraphClients;
import io.presencesync.adapter.graph.GraphUserDirectory;
import io.presencesync.adapter.publisher.ChangeLine;
import io.presencesync.adapter.publisher.EmbeddedPresenceStore;
import io.presencesync.adapter.scheduling.SyncScheduler;
import io.presencesync.application.SyncTiming;
import io.presencesync.application.TenantPorts;
import io.presencesync.application.TenantSync;
import io.presencesync.rules.PresenceRules;
import org.quartz.SchedulerException;

import java.io.PrintStream;
import java.time.Clock;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/** Wires the configured tenants, sources, rules, store and scheduler together and runs them. */
final class ServiceRunner implements AutoCloseable {

    private final EmbeddedPresenceStore store = new EmbeddedPresenceStore();
    private final SyncScheduler scheduler;

    ServiceRunner(AppConfig config, Map<String, String> env, Clock clock, PrintStream out) throws SchedulerException {
        for (PublisherConfig p : config.publishers()) {
            if (p instanceof PublisherConfig.Embedded embedded && embedded.log()) {
                store.addListener(new ChangeLine(out, clock, ZoneId.systemDefault()));
            }
        }
        Map<String, TenantSync> tenants = new LinkedHashMap<>();
        for (TenantConfig t : config.tenants()) {
            GraphServiceClient graph = GraphClients.create(t, env);
            TenantPorts ports = new TenantPorts(new GraphUserDirectory(graph), new GraphCalendarSource(t.name(), graph, t.graph()),
                    new GraphCallStateSource(t.name(), graph), store);
            SyncTiming timing = new SyncTiming(config.sync().horizon(), config.sync().userRefreshInterval(),
                    config.sync().callStatePollInterval());
            tenants.put(t.name(), new TenantSync(t.name(), t.users(), t.groups(), ports, new PresenceRules(t.rules()), clock, timing));
        }
        scheduler = new SyncScheduler(tenants, config.sync().calendarPollInterval(), config.sync().callStatePollInterval());
    }

    EmbeddedPresenceStore store() { return store; }

    void start() throws SchedulerException { scheduler.start(); }

    @Override
    public void close() throws SchedulerException { scheduler.close(); }
}
