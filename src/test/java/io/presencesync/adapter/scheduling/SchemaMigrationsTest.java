package io.presencesync.adapter.scheduling;

import com.zaxxer.hikari.HikariDataSource;
import io.presencesync.application.UnitState;
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

    /** Four users as schema 2's code stored them (format 2): BUSY, a NONE to name once more, never polled for call state, a leaver whose NONE failed. */
    static final String FORMAT_2 = """
            {"users": [
             {"id": "id-anna", "address": "anna@contoso.com", "displayName": "Anna Schmidt",
              "calendar": {"known": true, "windowStart": "2026-12-01T08:55:00Z", "mailboxZone": "Europe/Berlin",
                           "items": [{"start": "2026-12-01T09:00:00Z", "end": "2026-12-01T10:00:00Z", "status": "BUSY"}]},
              "activity": {"call": {"activity": "Available", "since": "2026-12-01T08:00:00Z"},
                           "autoReplies": {"since": "2026-12-01T08:00:00Z", "seenAt": "2026-12-01T09:00:00Z"}, "seenAt": "2026-12-01T09:00:00Z"},
              "published": {"state": "BUSY", "reason": "CALENDAR_BUSY", "since": "2026-12-01T09:00:00Z", "until": "2026-12-01T10:00:00Z",
                            "version": 1764579600000000},
              "nextChange": "2026-12-01T10:00:00Z"},
             {"id": "id-ben", "address": "ben@contoso.com",
              "calendar": {"known": true, "windowStart": "2026-12-01T08:55:00Z", "items": []},
              "activity": {"seenAt": "2026-12-01T08:59:45Z"},
              "published": {"state": "NONE", "since": "2026-12-01T08:30:00Z", "version": 1764577800000000, "renewNone": true}},
             {"id": "id-cleo", "address": "cleo@contoso.com",
              "calendar": {"known": false, "windowStart": "2026-12-01T08:50:00Z", "items": [], "error": "ErrorMailboxNotFound: gone"},
              "activity": {}, "noneHeldUntil": "2026-12-01T09:10:00Z"},
             {"id": "id-dora", "address": "dora@contoso.com", "left": true,
              "calendar": {"known": true, "windowStart": "2026-12-01T08:55:00Z", "items": []},
              "activity": {"seenAt": "2026-12-01T09:00:00Z"},
              "published": {"state": "NONE", "since": "2026-12-01T08:59:00Z", "version": 1764579540000001, "failing": true},
              "nextChange": "2026-12-01T09:00:01Z"}]}
            """;

    @Test
    void aDatabaseOfSchema2KeepsEveryUsersStoredStateAndPublishedPresenceThroughMigration3() throws Exception {
        SchemaMigrations.migrate(pool, "0.2", SchemaMigrations.ALL.subList(0, 2));
        execute("INSERT INTO presence_sync_unit_state (tenant, unit, format, state) VALUES ('contoso', 0, 2, '" + FORMAT_2 + "')");
        List<UnitState.SavedUser> asStored = UnitStateJson.FORMAT.read(2, FORMAT_2).saved();

        assertThat(SchemaMigrations.migrate(pool, "upgrade")).isEqualTo(latest);

        JdbcUnitStates node = new JdbcUnitStates(pool);
        assertThat(node.read("contoso", 0, UnitState::saved)).as("the first run after the upgrade").contains(asStored);
        assertThat(asStored).extracting(u -> u.publication().presence() == null ? null : u.publication().presence().state() + " " + u.publication().version())
                .containsExactly("BUSY 1764579600000000", "NONE 1764577800000000", null, "NONE 1764579540000001");
        assertThat(query("SELECT format FROM presence_sync_unit_state")).as("written in the current format by that run").containsExactly("3");
        assertThat(query("SELECT user_id FROM presence_sync_unit_user ORDER BY seq")).containsExactly("id-anna", "id-ben", "id-cleo", "id-dora");
        assertThat(new JdbcUnitStates(pool).read("contoso", 0, UnitState::saved)).as("read back from the new rows by another node").contains(asStored);
        assertThat(node.unreadable()).isZero();
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
