package io.presencesync.adapter.scheduling;

import com.zaxxer.hikari.HikariDataSource;
import io.presencesync.application.TenantPorts;
import io.presencesync.application.UnitState;
import io.presencesync.application.UnitSync;
import io.presencesync.application.port.SourceResult;
import io.presencesync.application.port.TeamsPresence;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.FreeBusyStatus;
import io.presencesync.domain.User;
import io.presencesync.rules.PresenceRules;
import io.presencesync.rules.RuleSettings;
import io.presencesync.testsupport.SettableClock;
import io.presencesync.testsupport.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;

import static io.presencesync.testsupport.SyncTimingBuilder.aSyncTiming;
import static io.presencesync.testsupport.TenantPortsBuilder.ports;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a clustered unit run costs in PostgreSQL (docs/clustering.md): one unit of 640 users, each with
 * eight appointments today, run for 10 simulated minutes by two nodes taking turns at random, with
 * the default intervals (call state every 15 s, calendars every 60 s) and the due transitions, 2 %
 * of the calendars edited per minute and 1 % of the call states changing per poll. Every statement a
 * run sends, the JSON it sends and receives, and its time are counted; the table is printed.
 */
class UnitStateCostTest {

    static final int USERS = 640;
    static final Instant START = Instant.parse("2026-12-01T08:59:37Z");

    final String url = TestPostgres.freshSchema("unitcost");
    final HikariDataSource poolA = TestPostgres.pool(url, 2);
    final HikariDataSource poolB = TestPostgres.pool(url, 2);
    final SettableClock clock = new SettableClock(START);
    final Random random = new Random(20);
    final List<User> members = new ArrayList<>();
    final Map<String, List<FreeBusyItem>> calendars = new HashMap<>();
    final Map<String, TeamsPresence> callStates = new HashMap<>();

    @AfterEach
    void stop() {
        poolA.close();
        poolB.close();
        TestPostgres.dropSchema(url);
    }

    /** What one kind of run cost, summed over its runs. */
    static final class Cost {
        long runs;
        long statements;
        long sent;
        long received;
        long nanos;

        void add(Cost run) {
            runs++;
            statements += run.statements;
            sent += run.sent;
            received += run.received;
            nanos += run.nanos;
        }

        String line(String kind) {
            return String.format(Locale.ROOT, "%-36s %5d runs  %6.1f statements  %9.0f bytes sent  %9.0f bytes received  %7.1f ms",
                    kind, runs, (double) statements / runs, (double) sent / runs, (double) received / runs, nanos / 1e6 / runs);
        }
    }

    @Test
    void aClusteredUnitRunReadsAndWritesWhatChangedNotTheWholeUnit() throws Exception {
        SchemaMigrations.migrate(poolA, "cost");
        Cost[] current = {new Cost()};
        JdbcUnitStates[] nodes = {new JdbcUnitStates(counted(poolA, current)), new JdbcUnitStates(counted(poolB, current))};
        for (int i = 0; i < USERS; i++) {
            User user = new User(String.format(Locale.ROOT, "%08x-4a5b-4c6d-8e9f-%012d", i * 2654435761L & 0xffffffffL, i),
                    "user" + i + "@contoso.example.com", "User " + i);
            members.add(user);
            calendars.put(user.id(), day(i));
            callStates.put(user.id(), new TeamsPresence(i % 20 == 0 ? "InACall" : "Available", i % 25 == 0));
        }

        Map<String, Cost> costs = new TreeMap<>();
        run(nodes[0], current, costs, "first run (every user new)", UnitSync::pollAfresh);
        int lastNode = 0;
        Instant end = START.plus(Duration.ofMinutes(10));
        Instant nextCalendar = START.plusSeconds(60);
        Instant nextCall = START.plusSeconds(15);
        Instant[] nextTransition = {nextTransition(nodes[0])};
        while (true) {
            Instant next = min(min(nextCalendar, nextCall), nextTransition[0]);
            if (next.isAfter(end)) break;
            clock.set(next);
            int node = random.nextInt(2);
            String where = node == lastNode ? "same node" : "other node";
            lastNode = node;
            Consumer<UnitSync> step;
            String kind;
            if (next.equals(nextCalendar)) {
                for (int i = 0; i < USERS / 50; i++) { // 2 % of the calendars edited a minute
                    int u = random.nextInt(USERS);
                    calendars.put(members.get(u).id(), day(u + 1000 + random.nextInt(1000)));
                }
                step = UnitSync::pollCalendars;
                kind = "calendar poll";
                nextCalendar = nextCalendar.plusSeconds(60);
            } else if (next.equals(nextCall)) {
                for (int i = 0; i < USERS / 100; i++) { // 1 % of the call states change a poll
                    int u = random.nextInt(USERS);
                    callStates.put(members.get(u).id(), new TeamsPresence(random.nextBoolean() ? "InACall" : "Available", false));
                }
                step = UnitSync::pollCallState;
                kind = "call-state poll";
                nextCall = nextCall.plusSeconds(15);
            } else {
                step = UnitSync::publishDueTransitions;
                kind = "transition";
            }
            run(nodes[node], current, costs, kind + ", " + where, step);
            nextTransition[0] = nextTransition(nodes[node]);
        }

        StringBuilder table = new StringBuilder("\nunit state cost per run, 640 users:\n");
        costs.forEach((kind, cost) -> table.append(cost.line(kind)).append('\n'));
        Cost steady = new Cost();
        costs.forEach((kind, cost) -> {
            if (!kind.startsWith("first")) {
                steady.runs += cost.runs;
                steady.statements += cost.statements;
                steady.sent += cost.sent;
                steady.received += cost.received;
                steady.nanos += cost.nanos;
            }
        });
        table.append(steady.line("all runs after the first"));
        try (Connection c = poolA.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0), coalesce(sum(pg_total_relation_size(relid)), 0)"
                     + " FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname LIKE 'presence_sync_unit%'")) {
            rs.next();
            table.append(String.format(Locale.ROOT, "%nrows inserted, updated or deleted: %d; unit-state tables' size: %d kB (before vacuum)",
                    rs.getLong(1), rs.getLong(2) / 1024));
        }
        System.out.println(table);

        Cost first = costs.get("first run (every user new)");
        assertThat(first.sent).as("the first run writes every user").isGreaterThan(USERS * 500L);
        assertThat((double) steady.sent / steady.runs).as("a later run writes what changed: a small share of the unit").isLessThan(first.sent / 10.0);
        assertThat((double) steady.received / steady.runs).as("a later run reads what another node changed, not the unit").isLessThan(first.sent / 10.0);
    }

    List<FreeBusyItem> day(int seed) {
        Random r = new Random(seed);
        List<FreeBusyItem> items = new ArrayList<>();
        Instant at = Instant.parse("2026-12-01T08:00:00Z").plusSeconds(60L * 5 * r.nextInt(12));
        for (int i = 0; i < 8; i++) {
            Instant end = at.plusSeconds(60L * 15 * (1 + r.nextInt(4)));
            items.add(new FreeBusyItem(at, end, r.nextInt(5) == 0 ? FreeBusyStatus.TENTATIVE : FreeBusyStatus.BUSY));
            at = end.plusSeconds(60L * 15 * r.nextInt(3));
        }
        return items;
    }

    void run(JdbcUnitStates node, Cost[] current, Map<String, Cost> costs, String kind, Consumer<UnitSync> step) {
        current[0] = new Cost();
        long began = System.nanoTime();
        assertThat(node.run("contoso", 0, state -> {
            UnitSync sync = sync(state);
            sync.members(members);
            step.accept(sync);
        })).isTrue();
        current[0].nanos = System.nanoTime() - began;
        costs.computeIfAbsent(kind, k -> new Cost()).add(current[0]);
    }

    Instant nextTransition(JdbcUnitStates node) {
        return node.read("contoso", 0, state -> sync(state).nextTransition().orElse(Instant.MAX)).orElseThrow();
    }

    UnitSync sync(UnitState state) {
        TenantPorts ports = ports().withCalendars((users, from, to) -> {
            Map<String, SourceResult<List<FreeBusyItem>>> results = new HashMap<>();
            for (User u : users) results.put(u.id(), new SourceResult.Ok<>(calendars.get(u.id())));
            return results;
        }).withCallStates(users -> {
            Map<String, SourceResult<TeamsPresence>> results = new HashMap<>();
            for (User u : users) results.put(u.id(), new SourceResult.Ok<>(callStates.get(u.id())));
            return results;
        }).publishingTo(update -> { }).build();
        return new UnitSync("contoso", state, ports, new PresenceRules(RuleSettings.DEFAULTS), clock, aSyncTiming().build());
    }

    static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /** The pool, counting into {@code cost[0]} every statement executed (a batch once), the strings sent and those read. */
    static DataSource counted(DataSource pool, Cost[] cost) {
        return proxy(DataSource.class, pool, cost);
    }

    @SuppressWarnings("unchecked")
    static <T> T proxy(Class<T> type, Object target, Cost[] cost) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            String name = method.getName();
            if (name.startsWith("execute")) cost[0].statements++;
            if (name.equals("setString") && args[1] != null) cost[0].sent += ((String) args[1]).length();
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (name.equals("getString") && result != null) cost[0].received += ((String) result).length();
            if (result instanceof Connection c) return proxy(Connection.class, c, cost);
            if (result instanceof PreparedStatement p) return proxy(PreparedStatement.class, p, cost);
            if (result instanceof Statement s) return proxy(Statement.class, s, cost);
            if (result instanceof ResultSet rs) return proxy(ResultSet.class, rs, cost);
            return result;
        });
    }
}
