package io.presencesync.adapter.scheduling;

import com.zaxxer.hikari.HikariDataSource;
import io.presencesync.testsupport.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Against a real PostgreSQL: the schema of clustered mode, from nothing, from a snapshot's database, and after a later version's migration. */
class SchemaMigrationsTest {

    final String url = TestPostgres.freshSchema("schema");
    final HikariDataSource pool = TestPostgres.pool(url, 4);
    final int latest = SchemaMigrations.ALL.get(SchemaMigrations.ALL.size() - 1).version();

    @AfterEach
    void stop() {
        pool.close();
        TestPostgres.dropSchema(url);
    }

    @Test
    void nodesStartingTogetherOnAnEmptyDatabaseApplyEachMigrationOnceTheOthersWait() {
        List<CompletableFuture<Integer>> nodes = new ArrayList<>();
        for (String node : List.of("a", "b", "c")) nodes.add(CompletableFuture.supplyAsync(() -> SchemaMigrations.migrate(pool, node)));

        assertThat(nodes).allSatisfy(n -> assertThat(n.join()).isEqualTo(latest));
        assertThat(query("SELECT version FROM " + SchemaMigrations.TABLE + " ORDER BY version")).containsExactly("1", "2", "3");
        assertThat(query("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 'presence_sync%'"))
                .containsExactlyInAnyOrder("presence_sync_schema", "presence_sync_unit_members", "presence_sync_unit_state", "presence_sync_unit_user",
                        "presence_sync_tenant_roster", "presence_sync_config_generation", "presence_sync_node");
    }

    @Test
    void aSnapshotsDatabaseKeepsItsUnitJobsItsJavaSerialisedStatesAreMarkedForAFreshPollAndItsDirectoryJobsGo() {
        SchemaMigrations.migrate(pool, "snapshot", SchemaMigrations.ALL.subList(0, 1));
        execute("DROP TABLE " + SchemaMigrations.TABLE); // snapshots had no schema table
        execute("INSERT INTO presence_sync_unit_state (tenant, unit, state) VALUES ('contoso', 0, '\\xaced0005'::bytea)");
        for (String job : List.of("directory", "unit-0")) {
            execute("INSERT INTO qrtz_job_details (sched_name, job_name, job_group, job_class_name, is_durable, is_nonconcurrent,"
                    + " is_update_data, requests_recovery, job_data) VALUES ('presence-sync', '" + job + "', 'contoso', 'x', false, true,"
                    + " false, false, '\\xaced0005'::bytea)");
        }

        assertThat(SchemaMigrations.migrate(pool, "upgrade")).isEqualTo(latest);

        assertThat(query("SELECT tenant || '/' || unit || ' format ' || format FROM presence_sync_unit_state")).containsExactly("contoso/0 format 0");
        assertThat(query("SELECT job_name FROM qrtz_job_details")).as("a unit job marks its tenant, kept").containsExactly("unit-0");
    }

    @Test
    void aDatabaseALaterVersionMigratedIsUsedWhenThatVersionSaysThisOneStillRunsOnIt() {
        SchemaMigrations.migrate(pool, "now");
        execute("INSERT INTO " + SchemaMigrations.TABLE + " (version, description, oldest_compatible, applied_by)"
                + " VALUES (" + (latest + 1) + ", 'a column added', " + latest + ", 'later')");

        assertThat(SchemaMigrations.migrate(pool, "rolled-back")).isEqualTo(latest + 1);
    }

    @Test
    void aDatabaseALaterVersionChangedBeyondWhatThisOneReadsRefusesTheStartSayingWhatToDo() {
        SchemaMigrations.migrate(pool, "now");
        execute("INSERT INTO " + SchemaMigrations.TABLE + " (version, description, oldest_compatible, applied_by)"
                + " VALUES (" + (latest + 1) + ", 'a table reshaped', " + (latest + 1) + ", 'later')");

        assertThatThrownBy(() -> SchemaMigrations.migrate(pool, "rolled-back"))
                .hasMessageContaining("schema is at version " + (latest + 1))
                .hasMessageContaining("knows schema versions up to " + latest)
                .hasMessageContaining("restore the database's backup");
    }

    @Test
    void aMigrationThatFailsHalfwayLeavesNothingOfItBehind() {
        SchemaMigrations.migrate(pool, "now");
        SchemaMigrations.Migration broken = new SchemaMigrations.Migration(latest + 1, "broken", latest, s -> {
            s.execute("CREATE TABLE presence_sync_half (x INTEGER)");
            s.execute("SELECT * FROM no_such_table");
        });
        List<SchemaMigrations.Migration> later = new ArrayList<>(SchemaMigrations.ALL);
        later.add(broken);

        assertThatThrownBy(() -> SchemaMigrations.migrate(pool, "later", later)).hasMessageContaining("migration " + (latest + 1) + " (broken) failed");
        assertThat(query("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'presence_sync_half'"))
                .containsExactly("0");
        assertThat(query("SELECT max(version) FROM " + SchemaMigrations.TABLE)).containsExactly(String.valueOf(latest));
    }

    List<String> query(String sql) {
        List<String> rows = new ArrayList<>();
        try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) rows.add(rs.getString(1));
        } catch (java.sql.SQLException e) {
            throw new AssertionError(sql + ": " + e.getMessage(), e);
        }
        return rows;
    }

    void execute(String sql) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(sql + ": " + e.getMessage(), e);
        }
    }
}
