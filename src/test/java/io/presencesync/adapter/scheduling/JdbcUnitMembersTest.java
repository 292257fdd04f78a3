package io.presencesync.adapter.scheduling;

import com.zaxxer.hikari.HikariDataSource;
import io.presencesync.domain.User;
import io.presencesync.testsupport.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Against a real PostgreSQL: the units' members keep the directory's display names, and rows written before them still read. */
class JdbcUnitMembersTest {

    private String url;
    private HikariDataSource pool;
    private JdbcUnitMembers members;

    @BeforeEach
    void start() {
        url = TestPostgres.freshSchema("unitmembers");
        pool = new HikariDataSource();
        pool.setJdbcUrl(url);
        pool.setUsername(TestPostgres.USER);
        pool.setMaximumPoolSize(2);
        SchemaMigrations.migrate(pool, "test");
        members = new JdbcUnitMembers(pool);
    }

    @AfterEach
    void stop() {
        pool.close();
        TestPostgres.dropSchema(url);
    }

    @Test
    void displayNamesSurviveTheDatabaseAndUsersWithoutOneStayWithout() {
        User anna = new User("id-anna", "anna.schmidt@contoso.com", "Anna Schmidt");
        User ben = new User("id-ben", "ben@contoso.com");
        members.save("contoso", List.of(List.of(anna, ben)));
        assertThat(members.load("contoso", 0)).containsExactly(anna, ben);
    }

    @Test
    void aRowWrittenBeforeDisplayNamesWereKeptStillReads() throws Exception {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO " + JdbcUnitMembers.TABLE + " (tenant, unit, members, format) VALUES ('contoso', 0, '[[\"id-ben\",\"ben@contoso.com\"]]', 1)");
        }
        assertThat(members.load("contoso", 0)).containsExactly(new User("id-ben", "ben@contoso.com"));
    }
}
