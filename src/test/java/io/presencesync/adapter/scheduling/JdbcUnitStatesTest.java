package io.presencesync.adapter.scheduling;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.zaxxer.hikari.HikariDataSource;
import io.presencesync.application.TenantPorts;
import io.presencesync.application.UnitState;
import io.presencesync.application.UnitSync;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.application.port.SourceResult;
import io.presencesync.domain.EventState;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.FreeBusyStatus;
import io.presencesync.domain.User;
import io.presencesync.rules.PresenceRules;
import io.presencesync.rules.RuleSettings;
import io.presencesync.testsupport.SettableClock;
import io.presencesync.testsupport.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static io.presencesync.testsupport.SyncTimingBuilder.aSyncTiming;
import static io.presencesync.testsupport.TenantPortsBuilder.ports;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Against a real PostgreSQL: two nodes' stores of unit states (each its own pool, as two
 * processes have) never let two runs work on one unit, and a run cut off from the database
 * never saves what it did.
 */
class JdbcUnitStatesTest {

    static final User ANNA = new User("id-anna", "anna@contoso.com");
    final Clock clock = Clock.systemUTC();
    final List<PresenceUpdate> published = new ArrayList<>();
    String url;
    HikariDataSource poolA;
    HikariDataSource poolB;
    JdbcUnitStates nodeA;
    JdbcUnitStates nodeB;

    @BeforeEach
    void start() {
        url = TestPostgres.freshSchema("unitstates");
        poolA = TestPostgres.pool(url, 3);
        poolB = TestPostgres.pool(url, 3);
        SchemaMigrations.migrate(poolA, "test");
        nodeA = new JdbcUnitStates(poolA);
        nodeB = new JdbcUnitStates(poolB);
    }

    @AfterEach
    void stop() {
        poolA.close();
        poolB.close();
        TestPostgres.dropSchema(url);
    }

    /** A unit run that finds Anna in a meeting and publishes BUSY. */
    void annaGoesBusy(UnitState state) {
        UnitSync sync = sync(state);
        sync.members(List.of(ANNA));
        sync.pollCalendars();
    }

    UnitSync sync(UnitState state) {
        Instant now = clock.instant();
        List<FreeBusyItem> meeting = List.of(new FreeBusyItem(now.minusSeconds(60), now.plusSeconds(3600), FreeBusyStatus.BUSY));
        TenantPorts ports = ports().withCalendars((users, from, to) -> Map.of(ANNA.id(), new SourceResult.Ok<>(meeting)))
                .publishingTo(published::add).build();
        return new UnitSync("contoso", state, ports, new PresenceRules(RuleSettings.DEFAULTS), clock, aSyncTiming().build());
    }

    /** Whether the state remembers Anna's BUSY: clearing it then publishes her NONE. */
    boolean remembersAnnaBusy(UnitState state) {
        List<PresenceUpdate> cleared = new ArrayList<>();
        UnitSync.clearAll("contoso", state, cleared::add, clock);
        return cleared.size() == 1;
    }

    @Test
    void aUnitHeldByARunIsSkippedByEveryOtherRunAndTheNextOneSeesItsState() throws Exception {
        assertThat(nodeA.run("contoso", 0, state -> { })).as("the unit's first run").isTrue();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Boolean> first = CompletableFuture.supplyAsync(() -> nodeA.run("contoso", 0, state -> {
            annaGoesBusy(state);
            inside.countDown();
            stallUntil(release); // node a stalls inside the run (a long GC pause)
        }));
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

        boolean[] ranOnB = new boolean[1];
        long asked = System.nanoTime();
        assertThat(nodeB.run("contoso", 0, state -> ranOnB[0] = true)).as("node b skips the unit").isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).as("without waiting for the lock").isLessThan(Duration.ofSeconds(1));
        assertThat(ranOnB[0]).isFalse();
        assertThat(nodeB.run("contoso", 1, state -> ranOnB[0] = true)).as("other units are free").isTrue();

        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
        boolean[] saw = new boolean[1];
        assertThat(nodeB.run("contoso", 0, state -> saw[0] = remembersAnnaBusy(state))).isTrue();
        assertThat(saw[0]).as("node b continues from node a's state").isTrue();
    }

    @Test
    void aPollWaitingForGraphKeepsEveryOtherPollOfItsUnitOutButLetsItsTransitionsRunAndThenTakesItsAnswerIn() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch graphAnswers = new CountDownLatch(1);
        CompletableFuture<Boolean> poll = CompletableFuture.supplyAsync(() -> nodeA.poll("contoso", 0, () -> {
            reading.countDown();
            stallUntil(graphAnswers); // node a's poll waits for Graph
            return "answer";
        }, (state, answer) -> annaGoesBusy(state)));
        assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();

        boolean[] readOnB = new boolean[1];
        assertThat(nodeB.poll("contoso", 0, () -> readOnB[0] = true, (state, answer) -> { })).as("node b's poll of the unit is skipped").isFalse();
        assertThat(readOnB[0]).as("without asking Graph").isFalse();
        assertThat(nodeB.poll("contoso", 1, () -> true, (state, answer) -> { })).as("other units' polls are free").isTrue();
        boolean[] transition = new boolean[1];
        assertThat(nodeB.run("contoso", 0, state -> transition[0] = true)).as("the unit's transition runs meanwhile, on any node").isTrue();
        assertThat(transition[0]).isTrue();

        graphAnswers.countDown();
        assertThat(poll.get(10, TimeUnit.SECONDS)).isTrue();
        boolean[] saw = new boolean[1];
        assertThat(nodeB.run("contoso", 0, state -> saw[0] = remembersAnnaBusy(state))).isTrue();
        assertThat(saw[0]).as("the poll's answer was taken in and saved").isTrue();
        assertThat(nodeB.poll("contoso", 0, () -> true, (state, answer) -> { })).as("the unit's poll is free again").isTrue();
    }

    @Test
    void aPollWhoseAnswerComesWhileATransitionHoldsTheStateWaitsForItBriefly() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Boolean> transition = CompletableFuture.supplyAsync(() -> nodeA.run("contoso", 0, state -> {
            inside.countDown();
            stallUntil(release);
        }));
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS, Runnable::run).execute(release::countDown);

        assertThat(nodeB.poll("contoso", 0, () -> "answer", (state, answer) -> annaGoesBusy(state))).as("applied once the transition ended").isTrue();
        assertThat(transition.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aRunWhoseConnectionDiedSavesNothingAndFreesTheUnit() throws Exception {
        assertThat(nodeA.run("contoso", 0, state -> { })).isTrue();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Boolean> cutOff = CompletableFuture.supplyAsync(() -> nodeA.run("contoso", 0, state -> {
            annaGoesBusy(state);
            inside.countDown();
            stallUntil(release);
        }));
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        // The database ends node a's session, as it does for a node that died or stayed silent too long.
        try (Connection c = poolB.getConnection(); Statement s = c.createStatement()) {
            // The session that locked this schema's unit-state table: node a's run.
            s.execute("SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN pg_class t ON t.oid = l.relation"
                    + " WHERE t.relname = '" + JdbcUnitStates.TABLE + "' AND t.relnamespace = current_schema()::regnamespace"
                    + " AND l.pid <> pg_backend_pid()");
        }
        boolean[] saw = {true};
        assertThat(nodeB.run("contoso", 0, state -> saw[0] = remembersAnnaBusy(state))).as("the unit is free again").isTrue();
        assertThat(saw[0]).as("node a's cut-off run saved nothing").isFalse();

        release.countDown();
        assertThatThrownBy(() -> cutOff.join()).hasMessageContaining("cannot read or save its state");
    }

    @Test
    void aCorruptedStateIsReportedWithItsKeyAndItsUnitRecoversByAFreshPollNotLeftStuck() throws Exception {
        assertThat(nodeA.run("contoso", 0, this::annaGoesBusy)).isTrue();
        try (Connection c = poolA.getConnection();
             PreparedStatement garble = c.prepareStatement("UPDATE " + JdbcUnitStates.TABLE + " SET state = ? WHERE unit = 0")) {
            garble.setString(1, "{\"users\": [{\"id\": \"id-anna\", \"addr");
            garble.executeUpdate();
        }
        Logger rows = (Logger) LoggerFactory.getLogger(JdbcUnitStates.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        rows.addAppender(logged);
        boolean[] recovering = new boolean[1];
        try {
            assertThat(nodeB.run("contoso", 0, state -> {
                UnitSync sync = sync(state);
                recovering[0] = sync.recovering();
                sync.members(List.of(ANNA));
                sync.pollAfresh();
            })).isTrue();
        } finally {
            rows.detachAppender(logged);
        }
        assertThat(recovering[0]).as("the unit's run is a fresh poll").isTrue();
        assertThat(published).as("Anna BUSY before and after, never NONE").extracting(u -> u.presence().state())
                .containsExactly(EventState.BUSY, EventState.BUSY);
        assertThat(logged.list).singleElement().satisfies(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.ERROR);
            assertThat(e.getFormattedMessage()).contains("tenant contoso: sync unit 0", JdbcUnitStates.TABLE, "format 3");
        });
        assertThat(nodeB.run("contoso", 0, state -> recovering[0] = sync(state).recovering())).isTrue();
        assertThat(recovering[0]).as("what the fresh poll saved is read again").isFalse();
    }

    @Test
    void aStateAnEarlierVersionWroteInFormat1IsReadWithAnnasBusyAndSavedBackInTheCurrentFormat() throws Exception {
        try (Connection c = poolA.getConnection();
             PreparedStatement earlier = c.prepareStatement("INSERT INTO " + JdbcUnitStates.TABLE + " (tenant, unit, format, state) VALUES ('contoso', 0, 1, ?)")) {
            earlier.setString(1, UnitStateJsonTest.FORMAT_1);
            earlier.executeUpdate();
        }
        boolean[] saw = new boolean[1];

        assertThat(nodeB.run("contoso", 0, state -> saw[0] = remembersAnnaBusy(UnitState.restore(state.saved(), false)))).isTrue();

        assertThat(saw[0]).as("Anna's BUSY is remembered: her end of meeting is a NONE, no other").isTrue();
        try (Connection c = poolA.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT format FROM " + JdbcUnitStates.TABLE)) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(UnitStateJson.FORMAT.current());
        }
    }

    @Test
    void forgettingATenantReturnsItsStatesAndRemovesThem() throws Exception {
        nodeA.run("contoso", 0, this::annaGoesBusy);
        nodeA.run("contoso", 1, state -> { });
        nodeA.run("fabrikam", 0, state -> { });

        List<UnitState> states = nodeB.forget("contoso");

        assertThat(states).hasSize(2);
        assertThat(states.stream().filter(this::remembersAnnaBusy)).hasSize(1);
        try (Connection c = poolA.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT tenant FROM " + JdbcUnitStates.TABLE)) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("fabrikam");
            assertThat(rs.next()).isFalse();
        }
    }

    /** Ben and Cleo besides Anna, each with a meeting the test can change. */
    static final User BEN = new User("id-ben", "ben@contoso.com");
    static final User CLEO = new User("id-cleo", "cleo@contoso.com");
    static final User DORA = new User("id-dora", "dora@contoso.com");
    final SettableClock settable = new SettableClock(Instant.parse("2026-12-01T09:00:00Z"));
    final Map<String, List<FreeBusyItem>> calendars = new java.util.concurrent.ConcurrentHashMap<>();

    /** A calendar poll of {@code members} at the settable clock's time, on their calendars as the test set them. */
    Consumer<UnitState> poll(List<User> members, List<List<UnitState.SavedUser>> after) {
        return state -> {
            TenantPorts ports = ports().withCalendars((users, from, to) -> {
                Map<String, SourceResult<List<FreeBusyItem>>> results = new java.util.HashMap<>();
                for (User u : users) results.put(u.id(), new SourceResult.Ok<>(calendars.getOrDefault(u.id(), List.of())));
                return results;
            }).publishingTo(published::add).build();
            UnitSync sync = new UnitSync("contoso", state, ports, new PresenceRules(RuleSettings.DEFAULTS), settable, aSyncTiming().build());
            sync.members(members);
            sync.pollCalendars();
            after.add(state.saved());
        };
    }

    void meeting(User user, int fromMinute, int toMinute) {
        Instant nine = Instant.parse("2026-12-01T09:00:00Z");
        calendars.put(user.id(), List.of(new FreeBusyItem(nine.plusSeconds(60L * fromMinute), nine.plusSeconds(60L * toMinute), FreeBusyStatus.BUSY)));
    }

    /** The unit's generation and each user row's, as stored. */
    Map<String, Long> generations() throws Exception {
        Map<String, Long> rows = new java.util.TreeMap<>();
        try (Connection c = poolA.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 'unit', generation FROM " + JdbcUnitStates.TABLE + " WHERE unit = 0"
                     + " UNION ALL SELECT user_id, generation FROM " + JdbcUnitStates.USERS + " WHERE unit = 0")) {
            while (rs.next()) rows.put(rs.getString(1), rs.getLong(2));
        }
        return rows;
    }

    @Test
    void aRunWritesTheUsersItChangedAndNoOthersAndARunThatChangedNothingWritesNothing() throws Exception {
        meeting(ANNA, 0, 60);
        meeting(BEN, 30, 60);
        meeting(CLEO, 120, 150);
        List<List<UnitState.SavedUser>> after = new ArrayList<>();
        List<User> members = List.of(ANNA, BEN, CLEO);
        assertThat(nodeA.run("contoso", 0, poll(members, after))).isTrue();
        Map<String, Long> first = generations();
        assertThat(first).containsOnlyKeys("unit", ANNA.id(), BEN.id(), CLEO.id()).allSatisfy((row, generation) -> assertThat(generation).isEqualTo(first.get("unit")));

        settable.advance(Duration.ofSeconds(60));
        assertThat(nodeA.run("contoso", 0, poll(members, after))).isTrue();
        Map<String, Long> renewed = generations();
        assertThat(renewed).as("Ben's and Cleo's NONE is named once more, Anna's BUSY stays as it was").containsEntry(ANNA.id(), first.get(ANNA.id()))
                .containsEntry(BEN.id(), renewed.get("unit")).containsEntry(CLEO.id(), renewed.get("unit"));

        settable.advance(Duration.ofSeconds(60));
        assertThat(nodeA.run("contoso", 0, poll(members, after))).isTrue();
        Map<String, Long> unchanged = generations();
        assertThat(unchanged.get("unit")).as("the poll's instants are the unit's").isGreaterThan(renewed.get("unit"));
        assertThat(unchanged).as("no user's row: nothing of theirs changed").containsAllEntriesOf(Map.of(ANNA.id(), first.get(ANNA.id()),
                BEN.id(), renewed.get(BEN.id()), CLEO.id(), renewed.get(CLEO.id())));

        assertThat(nodeA.read("contoso", 0, UnitState::saved)).isPresent();
        assertThat(generations()).as("a run that changed nothing writes nothing").isEqualTo(unchanged);

        meeting(BEN, 45, 60);
        settable.advance(Duration.ofSeconds(60));
        assertThat(nodeA.run("contoso", 0, poll(members, after))).isTrue();
        Map<String, Long> moved = generations();
        assertThat(moved.get(BEN.id())).as("Ben's moved meeting").isEqualTo(moved.get("unit")).isGreaterThan(unchanged.get("unit"));
        assertThat(moved).containsEntry(ANNA.id(), first.get(ANNA.id())).containsEntry(CLEO.id(), renewed.get(CLEO.id()));
        assertThat(new JdbcUnitStates(poolB).read("contoso", 0, UnitState::saved)).as("a node that never ran the unit reads it whole")
                .contains(after.get(after.size() - 1));
    }

    @Test
    void aNodeThatRanTheUnitBeforeContinuesFromWhatAnotherNodeChangedMeanwhile() throws Exception {
        meeting(ANNA, 0, 60);
        meeting(BEN, 0, 30);
        meeting(CLEO, 120, 150);
        List<List<UnitState.SavedUser>> after = new ArrayList<>();
        assertThat(nodeA.run("contoso", 0, poll(List.of(ANNA, BEN, CLEO), after))).isTrue();

        // Node b takes the unit over: Ben leaves (his NONE is owed), Dora joins, Cleo's meeting moves to now, Anna's ends.
        meeting(CLEO, 0, 30);
        meeting(DORA, 0, 90);
        meeting(ANNA, 0, 2);
        settable.advance(Duration.ofSeconds(150));
        assertThat(nodeB.run("contoso", 0, poll(List.of(ANNA, CLEO, DORA), after))).isTrue();
        List<UnitState.SavedUser> onB = after.get(after.size() - 1);

        List<List<UnitState.SavedUser>> seen = new ArrayList<>();
        assertThat(nodeA.run("contoso", 0, state -> seen.add(state.saved()))).isTrue();
        assertThat(seen.get(0)).as("node a reads what node b changed, not its own mirror").containsExactlyInAnyOrderElementsOf(onB);

        // And back: node b's mirror is of its own write; node a's changes since are read.
        settable.advance(Duration.ofSeconds(60));
        meeting(DORA, 0, 10);
        assertThat(nodeA.run("contoso", 0, poll(List.of(ANNA, CLEO), after))).isTrue();
        List<UnitState.SavedUser> onA = after.get(after.size() - 1);
        assertThat(nodeB.read("contoso", 0, UnitState::saved)).hasValueSatisfying(saved -> assertThat(saved).containsExactlyInAnyOrderElementsOf(onA));
        assertThat(new JdbcUnitStates(poolB).read("contoso", 0, UnitState::saved)).hasValueSatisfying(saved -> assertThat(saved).containsExactlyElementsOf(onA));
    }

    @Test
    void aNodesMirrorOfATenantAnotherNodeRemovedAndAddedAgainIsNotTakenForItsState() throws Exception {
        meeting(ANNA, 0, 60);
        assertThat(nodeA.run("contoso", 0, poll(List.of(ANNA), new ArrayList<>()))).isTrue();

        nodeB.forget("contoso");
        assertThat(nodeB.run("contoso", 0, state -> { })).as("the tenant added again: its unit starts empty").isTrue();

        assertThat(nodeA.read("contoso", 0, UnitState::saved)).as("node a's mirror of the removed unit is not used").contains(List.of());
    }

    /** A run that stalls until the test releases it: a hand-over between threads, not a poll. */
    static void stallUntil(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
