package io.presencesync.adapter.scheduling;

import com.zaxxer.hikari.HikariDataSource;
import io.presencesync.application.ConfigFingerprint;
import io.presencesync.application.ConfigGenerations.Standing;
import io.presencesync.testsupport.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Against a real PostgreSQL: which node's configuration is the newest, through a rollout, a restart and a rollback. */
class JdbcConfigGenerationsTest {

    static final ConfigFingerprint OLD = new ConfigFingerprint("a".repeat(64), Map.of("contoso", "c1"));
    static final ConfigFingerprint NEW = new ConfigFingerprint("b".repeat(64), Map.of("contoso", "c1", "fabrikam", "f1"));

    final String url = TestPostgres.freshSchema("generations");
    final HikariDataSource pool = TestPostgres.pool(url, 2);

    JdbcConfigGenerationsTest() {
        SchemaMigrations.migrate(pool, "test");
    }

    @AfterEach
    void stop() {
        pool.close();
        TestPostgres.dropSchema(url);
    }

    JdbcConfigGenerations node(String name) {
        return new JdbcConfigGenerations(pool, name, Duration.ofSeconds(10));
    }

    @Test
    void aConfigurationNeverSeenClaimsTheNextGenerationAndAnOlderOneStaysOlderWhileANewerNodeLives() {
        JdbcConfigGenerations old = node("old");
        assertThat(old.enter(OLD)).isEqualTo(new Standing(1, 1, OLD.tenants()));

        JdbcConfigGenerations newer = node("new");
        assertThat(newer.enter(NEW)).as("the rollout's first new node").isEqualTo(new Standing(2, 2, NEW.tenants()));
        assertThat(old.enter(OLD)).as("the old node's next check-in").isEqualTo(new Standing(1, 2, NEW.tenants()));

        JdbcConfigGenerations restarted = node("old-restarted");
        assertThat(restarted.enter(OLD)).as("an old node restarting during the rollout").isEqualTo(new Standing(1, 2, NEW.tenants()));
        assertThat(node("new-2").enter(NEW)).as("another new node joins the newest").isEqualTo(new Standing(2, 2, NEW.tenants()));
    }

    @Test
    void whenEveryNodeOfTheNewestConfigurationIsGoneAnOlderOneIsTheNewestAgain() {
        node("old").enter(OLD);
        JdbcConfigGenerations newer = node("new");
        newer.enter(NEW);
        JdbcConfigGenerations old = node("old-2");
        assertThat(old.enter(OLD).isNewest()).isFalse();

        newer.leave(); // the rollback stopped the new configuration's last node

        assertThat(old.enter(OLD)).isEqualTo(new Standing(3, 3, OLD.tenants()));
        assertThat(newer.enter(NEW).isNewest()).as("the new configuration started again while the old one's node lives: older, until that node is gone")
                .isFalse();
    }

    @Test
    void ofTwoNewConfigurationsStartingAtOnceTheOneThatClaimsLastIsTheNewest() {
        JdbcConfigGenerations first = node("first");
        JdbcConfigGenerations second = node("second");

        first.enter(OLD);
        second.enter(NEW);

        assertThat(first.enter(OLD)).isEqualTo(new Standing(1, 2, NEW.tenants()));
        assertThat(second.enter(NEW).isNewest()).isTrue();
    }
}
