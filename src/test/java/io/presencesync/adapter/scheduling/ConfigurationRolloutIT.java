package io.presencesync.adapter.scheduling;

import io.presencesync.testsupport.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A rollout that adds a tenant, with two processes on the real PostgreSQL: node "old" configures
 * contoso, node "new" contoso and fabrikam. Whichever order they start in, the old one never removes,
 * creates or reschedules a job and never sends NONE to fabrikam's users; only once every node of
 * the newer configuration is gone (a rollback) does the old configuration decide again.
 */
class ConfigurationRolloutIT {

    static final int USERS = 2;
    final ClusterNodes cluster = new ClusterNodes();
    String jdbcUrl;
    /** Everyone in a meeting through the whole test: any NONE would be wrong. */
    ScriptedTenant contoso;

    @AfterEach
    void stop() throws InterruptedException {
        cluster.close();
        if (jdbcUrl != null) TestPostgres.dropSchema(jdbcUrl);
    }

    void start(String purpose) {
        jdbcUrl = TestPostgres.freshSchema(purpose);
        Instant now = Instant.now();
        contoso = ScriptedTenant.named("contoso").withUsers(USERS).inMeetingsFrom(now.minusSeconds(60)).until(now.plusSeconds(3600));
    }

    Process old(String name) throws Exception {
        Process p = cluster.start(name, jdbcUrl, contoso, 50);
        cluster.awaitLine("STARTED " + name, Duration.ofSeconds(30));
        return p;
    }

    Process newer(String name) throws Exception {
        Process p = cluster.start(name, jdbcUrl, contoso, 50, "fabrikam");
        cluster.awaitLine("STARTED " + name, Duration.ofSeconds(30));
        return p;
    }

    @Test
    void anOldNodeThatRunsOnWhileTheNewConfigurationStartsAndThenRestartsLeavesTheNewTenantAlone() throws Exception {
        start("rollout_old_first");
        Process old = old("old");
        newer("new");
        awaitFabrikamBusy();
        Map<String, Long> triggers = everyUnitScheduled();

        old.destroyForcibly().waitFor();
        old("old-again");
        // Real time passes on purpose: a few check-ins of the old node, in which it must not touch the jobs.
        Thread.sleep(4 * ClusterNode.CHECKIN.toMillis() + 2_000);

        assertTheOldNodeLeftTheNewConfigurationAlone(triggers, "old-again");
    }

    @Test
    void anOldNodeThatStartsWhileTheNewConfigurationRunsLeavesTheNewTenantAloneUntilTheNewNodesAreGone() throws Exception {
        start("rollout_new_first");
        old("old").destroyForcibly().waitFor(); // the old configuration ran before the rollout
        Process newer = newer("new");
        awaitFabrikamBusy();
        Map<String, Long> triggers = everyUnitScheduled();

        old("old-again");
        Thread.sleep(4 * ClusterNode.CHECKIN.toMillis() + 2_000); // as above

        assertTheOldNodeLeftTheNewConfigurationAlone(triggers, "old-again");

        // A rollback: the new configuration's only node is gone for good, so the old one decides again.
        newer.destroyForcibly().waitFor();
        await("fabrikam's users cleared by the old configuration, now the newest").atMost(Duration.ofSeconds(40))
                .untilAsserted(() -> assertThat(cluster.publishes()).filteredOn(p -> p.tenant().equals("fabrikam") && p.state().equals("NONE"))
                        .extracting(ClusterNodes.Publish::node).hasSize(USERS).containsOnly("old-again"));
        assertThat(log("old-again")).contains("is the newest again");
    }

    void awaitFabrikamBusy() {
        await("fabrikam's users BUSY").atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(cluster.publishes())
                .filteredOn(p -> p.tenant().equals("fabrikam") && p.state().equals("BUSY")).hasSizeGreaterThanOrEqualTo(USERS));
    }

    /** The snapshot to compare with, once both tenants' units exist (contoso's directory may run after fabrikam's users are busy). */
    Map<String, Long> everyUnitScheduled() {
        return await("the jobs and polls of both tenants").atMost(Duration.ofSeconds(30)).until(this::regularTriggers,
                t -> t.keySet().containsAll(List.of("job contoso/directory", "job fabrikam/directory",
                        "job contoso/unit-0", "job contoso/unit-0-transitions", "contoso/unit-0-calendar-poll",
                        "job fabrikam/unit-0", "job fabrikam/unit-0-transitions", "fabrikam/unit-0-calendar-poll")));
    }

    void assertTheOldNodeLeftTheNewConfigurationAlone(Map<String, Long> before, String oldNode) throws Exception {
        assertThat(regularTriggers()).as("every job of both tenants is there, no poll rescheduled or created anew").isEqualTo(before);
        assertThat(cluster.publishes()).as("nobody told fabrikam's users NONE")
                .noneMatch(p -> p.tenant().equals("fabrikam") && p.state().equals("NONE"));
        assertThat(cluster.publishes()).as("only a node that has fabrikam runs it")
                .filteredOn(p -> p.tenant().equals("fabrikam")).extracting(ClusterNodes.Publish::node).containsOnly("new");
        assertThat(log(oldNode)).contains("is older than the cluster's newest");
    }

    /**
     * Every job of both tenants, and when each unit's poll triggers started: a removed, recreated or
     * rescheduled one shows. (A directory trigger's start moves by itself when Quartz recovers it from a killed node.)
     */
    Map<String, Long> regularTriggers() throws Exception {
        Map<String, Long> triggers = new HashMap<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl, TestPostgres.USER, ""); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT job_group, job_name FROM qrtz_job_details")) {
                while (rs.next()) triggers.put("job " + rs.getString(1) + "/" + rs.getString(2), 0L);
            }
            try (ResultSet rs = s.executeQuery("SELECT trigger_group, trigger_name, start_time FROM qrtz_triggers WHERE trigger_name LIKE '%-poll'")) {
                while (rs.next()) triggers.put(rs.getString(1) + "/" + rs.getString(2), rs.getLong(3));
            }
        }
        return triggers;
    }

    static String log(String node) throws Exception {
        return Files.readString(Path.of("target", "cluster-node-" + node + ".log"));
    }
}
