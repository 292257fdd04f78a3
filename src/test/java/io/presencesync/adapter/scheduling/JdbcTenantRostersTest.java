package io.presencesync.adapter.scheduling;

import com.zaxxer.hikari.HikariDataSource;
import io.presencesync.application.TenantRoster;
import io.presencesync.application.port.SourceResult;
import io.presencesync.application.port.UserDirectory;
import io.presencesync.domain.User;
import io.presencesync.testsupport.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Against a real PostgreSQL: a tenant's roster kept between directory runs, on any node. */
class JdbcTenantRostersTest {

    static final User ANNA = new User("id-anna", "anna@contoso.com");
    static final User BEN = new User("id-ben", "ben@contoso.com");
    static final Instant T = Instant.parse("2026-12-01T09:00:00Z");

    final String url = TestPostgres.freshSchema("rosters");
    final HikariDataSource pool = TestPostgres.pool(url, 2);
    final JdbcTenantRosters rosters;

    JdbcTenantRostersTest() {
        SchemaMigrations.migrate(pool, "test");
        rosters = new JdbcTenantRosters(pool);
    }

    @AfterEach
    void stop() {
        pool.close();
        TestPostgres.dropSchema(url);
    }

    /** Anna found, ben@ refused for good, carl@ not answered (retried soon), a group read with Ben in it, one group unreadable for now. */
    final UserDirectory directory = new UserDirectory() {
        @Override
        public Map<String, SourceResult<User>> resolve(List<String> refs) {
            return Map.of("anna@contoso.com", new SourceResult.Ok<>(ANNA), "ben@contoso.com", new SourceResult.UserError<>("404", "no such user"),
                    "carl@contoso.com", new SourceResult.Unavailable<>("timeout"));
        }

        @Override
        public Map<String, SourceResult<List<User>>> groupMembers(List<String> groupIds) {
            return Map.of("g1", new SourceResult.Ok<>(List.of(BEN)), "g2", new SourceResult.Unavailable<>("503"));
        }
    };

    @Test
    void aRosterIsReadBackOnAnyNodeAsItWasLeftWithItsUnitsAndTheLookupsStillToRetry() {
        TenantRoster.Saved[] left = new TenantRoster.Saved[1];
        rosters.run("contoso", roster -> {
            roster.refresh(List.of("anna@contoso.com", "ben@contoso.com", "carl@contoso.com"), List.of("g1", "g2"), directory, T, Duration.ofMinutes(15), 1);
            left[0] = roster.saved();
        });

        TenantRoster.Saved[] read = new TenantRoster.Saved[1];
        boolean[] pending = new boolean[1];
        new JdbcTenantRosters(pool).run("contoso", roster -> {
            read[0] = roster.saved();
            pending[0] = roster.hasPending();
        });

        assertThat(read[0]).isEqualTo(left[0]);
        assertThat(read[0].unitOf()).containsOnlyKeys(ANNA.id(), BEN.id());
        assertThat(pending[0]).as("carl@ and g2 are still to be tried again").isTrue();
    }

    @Test
    void aCorruptedRosterStartsAnewAndTheNextRunSavesAReadableOne() throws Exception {
        rosters.run("contoso", roster -> roster.refresh(List.of("anna@contoso.com"), List.of(), directory, T, Duration.ofMinutes(15), 1));
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("UPDATE " + JdbcTenantRosters.TABLE + " SET roster = '{\"tenant\": \"contoso\", \"uni' WHERE tenant = 'contoso'");
        }

        boolean[] anew = new boolean[1];
        rosters.run("contoso", roster -> anew[0] = roster.neverRefreshed());
        assertThat(anew[0]).isTrue();
        assertThat(rosters.unreadable()).as("reported once").isEqualTo(1);

        rosters.run("contoso", roster -> { });
        assertThat(rosters.unreadable()).as("what the run after it saved is read").isEqualTo(1);
    }
}
