package io.presencesync.adapter.scheduling;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.presencesync.application.ConfiguredTenants;
import io.presencesync.application.SyncStores;
import io.presencesync.application.SyncTiming;
import io.presencesync.application.TenantSetup;
import io.presencesync.application.TenantSync;
import io.presencesync.application.UnitMembers;
import io.presencesync.application.UnitStates;
import io.presencesync.application.explain.DeliveryRecords;
import io.presencesync.application.explain.ServiceExplainer;
import io.presencesync.application.port.PresencePublisher;
import io.presencesync.application.status.SyncStatus;
import io.presencesync.rules.PresenceRules;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.spi.JobFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs every tenant's directory job and sync units with Quartz: in memory on a single node, or
 * through Quartz's JDBC job store on PostgreSQL when several replicas share the work. What runs
 * when is the application's ({@link ConfiguredTenants}); this carries it out ({@link QuartzSchedule})
 * and each job is a thin shell around it ({@link SyncJobs}).
 */
public final class SyncScheduler implements AutoCloseable {

    /** How long a stop waits for running units to finish before leaving them to the next start (or another node). */
    static final Duration STOP_GRACE = Duration.ofSeconds(15);
    private static final String INSTANCE_NAME = "presence-sync";
    private static final AtomicInteger DATA_SOURCES = new AtomicInteger();
    private static final Logger log = LoggerFactory.getLogger(SyncScheduler.class);

    private Scheduler scheduler;
    private QuartzSchedule schedule;
    private MissedPolls missedPolls;
    private ConfiguredTenants tenants;
    private HikariDataSource dataSource;
    private final Clock clock;
    private final PresencePublisher publisher;
    private final Duration checkin;
    /** Clustered: the stores whose unreadable rows {@link #unreadableRows()} counts. */
    private JdbcUnitStates unitStates;
    private JdbcTenantRosters rosters;
    /** Clustered: checks this node's configuration generation in at every check-in interval. */
    private ScheduledExecutorService generationCheckin;
    private final ServiceExplainer.Parts explainParts;

    /**
     * @param database  empty for a single node (in-memory job store); present for clustered mode
     * @param threads   how many units may run at once on this node
     * @param publisher where the users of a tenant no longer configured get their final NONE
     */
    public SyncScheduler(List<TenantSetup> tenants, SyncTiming timing, int unitSize, int threads, Clock clock,
                         Optional<ClusterDatabase> database, PresencePublisher publisher) throws SchedulerException {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", INSTANCE_NAME);
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.threadCount", String.valueOf(threads));
        // Fire due triggers in batches: one lock round-trip serves many units in a cluster.
        p.setProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount", String.valueOf(threads));
        p.setProperty("org.quartz.jobStore.misfireThreshold", "5000");
        this.clock = clock;
        this.publisher = publisher;
        this.checkin = database.map(ClusterDatabase::checkinInterval).orElse(null);
        SyncStores stores;
        if (database.isPresent()) {
            ClusterDatabase db = database.get();
            String node = instanceId(clock);
            dataSource = dataSource(db);
            try {
                SchemaMigrations.migrate(dataSource, node);
            } catch (RuntimeException e) {
                dataSource.close();
                throw e;
            }
            String name = "presence-sync-" + DATA_SOURCES.incrementAndGet();
            org.quartz.utils.DBConnectionManager.getInstance().addConnectionProvider(name, new HikariConnectionProvider(dataSource));
            p.setProperty("org.quartz.scheduler.instanceId", node);
            p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
            p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
            p.setProperty("org.quartz.jobStore.dataSource", name);
            p.setProperty("org.quartz.jobStore.isClustered", "true");
            p.setProperty("org.quartz.jobStore.clusterCheckinInterval", String.valueOf(db.checkinInterval().toMillis()));
            p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
            // Look for due triggers every second: a transition scheduled by another node, or left by
            // a node that died, is then fired on time rather than after Quartz's default 30 s idle wait.
            p.setProperty("org.quartz.scheduler.idleWaitTime", "1000");
            unitStates = new JdbcUnitStates(dataSource);
            rosters = new JdbcTenantRosters(dataSource);
            stores = new SyncStores(new JdbcUnitMembers(dataSource), unitStates, rosters, new JdbcConfigGenerations(dataSource, node, db.checkinInterval()));
        } else {
            dataSource = null;
            p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
            stores = SyncStores.inMemory();
        }
        Map<String, PresenceRules> rules = new LinkedHashMap<>();
        for (TenantSetup t : tenants) rules.put(t.name(), t.rules());
        this.explainParts = new ServiceExplainer.Parts(rules, timing, stores.members(), stores.states(), clock);
        try {
            scheduler = new StdSchedulerFactory(p).getScheduler();
            schedule = new QuartzSchedule(scheduler);
            missedPolls = new MissedPolls(schedule, clock);
            scheduler.getListenerManager().addTriggerListener(missedPolls);
            this.tenants = new ConfiguredTenants(tenants, timing, unitSize, threads, clock, schedule, stores);
            scheduler.setJobFactory(jobFactory());
            this.tenants.reconcile(publisher);
        } catch (QuartzSchedule.Failure e) {
            stopQuietly();
            throw e.getCause();
        } catch (SchedulerException | RuntimeException e) {
            stopQuietly();
            throw e;
        }
    }

    /**
     * Explanations of this scheduler's users, read from the units' states as the runs keep them (in
     * PostgreSQL when clustered, so any node explains any user).
     */
    public ServiceExplainer explainer(SyncStatus status, DeliveryRecords deliveries) {
        return new ServiceExplainer(explainParts, status, deliveries);
    }

    public void start() throws SchedulerException {
        scheduler.start();
        if (checkin != null) {
            generationCheckin = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "config-generation");
                t.setDaemon(true);
                return t;
            });
            generationCheckin.scheduleWithFixedDelay(this::checkInGeneration, checkin.toMillis(), checkin.toMillis(), TimeUnit.MILLISECONDS);
        }
        log.info("scheduler started ({}; {} tenant(s))", dataSource == null ? "single node" : "clustered on PostgreSQL", tenants.size());
    }

    /** Unit states and rosters this node found unreadable in the database since it started (each recovered afresh); 0 on a single node. */
    public long unreadableRows() {
        return unitStates == null ? 0 : unitStates.unreadable() + rosters.unreadable();
    }

    /** The configured tenants' names. */
    public List<String> tenants() {
        return tenants.names();
    }

    /** The tenant's polls put off since this node started: its runs held its share of the sync threads waiting for Graph. */
    public long pollsPutOff(String tenant) {
        return tenants.pollsPutOff(tenant);
    }

    /** A failed check-in keeps what this node knew; the next one tries again. */
    private void checkInGeneration() {
        try {
            tenants.recheck(publisher);
        } catch (RuntimeException e) {
            log.warn("cannot check this node's configuration generation in; trying again in {} s: {}", checkin.toSeconds(), e.toString());
        }
    }

    /**
     * Stops firing, lets running units finish for up to {@link #STOP_GRACE}, then returns; a unit
     * still running then is left to the next start (or, in a cluster, recovered by another node).
     */
    @Override
    public void close() throws SchedulerException {
        if (generationCheckin != null) generationCheckin.shutdownNow();
        scheduler.standby();
        Thread stopping = new Thread(() -> {
            try {
                scheduler.shutdown(true);
            } catch (SchedulerException e) {
                log.warn("scheduler did not stop cleanly", e);
            }
        }, "scheduler-stop");
        stopping.start();
        try {
            stopping.join(STOP_GRACE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopping.isAlive()) log.warn("units still running after {}s; leaving them unfinished", STOP_GRACE.toSeconds());
        missedPolls.close();
        tenants.leave();
        if (dataSource != null) dataSource.close();
    }

    /** After a failed start: nothing of this scheduler may linger (threads, connections, its name in Quartz's repository). */
    private void stopQuietly() {
        try {
            if (scheduler != null) scheduler.shutdown(false);
        } catch (SchedulerException | RuntimeException e) {
            log.warn("scheduler did not stop cleanly after a failed start", e);
        }
        if (missedPolls != null) missedPolls.close();
        if (dataSource != null) dataSource.close();
    }

    private JobFactory jobFactory() {
        return (bundle, s) -> {
            Optional<TenantSync> tenant = tenants.find(bundle.getJobDetail().getKey().getGroup());
            if (tenant.isEmpty()) return new SyncJobs.UnconfiguredTenantJob(schedule, clock);
            Class<?> type = bundle.getJobDetail().getJobClass();
            if (type == SyncJobs.DirectoryJob.class) return new SyncJobs.DirectoryJob(tenant.get());
            if (type == SyncJobs.UnitJob.class) return new SyncJobs.UnitJob(tenant.get());
            if (type == SyncJobs.TransitionJob.class) return new SyncJobs.TransitionJob(tenant.get());
            throw new SchedulerException("unknown job type " + type.getName());
        };
    }

    /**
     * This node's name among the cluster's: its host name, process id and start time. Quartz's
     * own AUTO id looks the host name up in DNS and fails the start where it does not resolve (a pod
     * on the host network, some container runtimes); the kernel's host name needs no lookup.
     */
    public static String instanceId(Clock clock) {
        String host;
        try {
            host = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException | RuntimeException notLinux) {
            host = "";
        }
        if (host.isEmpty()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException unresolvable) {
                host = "node";
            }
        }
        return host + "-" + ProcessHandle.current().pid() + "-" + clock.millis();
    }

    private static HikariDataSource dataSource(ClusterDatabase db) {
        HikariConfig c = new HikariConfig();
        c.setPoolName("presence-sync-db");
        c.setJdbcUrl(db.jdbcUrl());
        c.setUsername(db.username());
        if (db.password() != null) c.setPassword(db.password());
        c.setMaximumPoolSize(db.maxConnections());
        c.setConnectionTimeout(10_000);
        try {
            return new HikariDataSource(c);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot connect to PostgreSQL at " + db.jdbcUrl() + " as " + db.username() + ": " + e.getMessage(), e);
        }
    }
}
