package io.presencesync.application;

import io.presencesync.application.port.CalendarSource;
import io.presencesync.application.port.PresencePublisher;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.application.port.SourceResult;
import io.presencesync.application.port.UserDirectory;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.FreeBusyStatus;
import io.presencesync.domain.User;
import io.presencesync.rules.PresenceRules;
import io.presencesync.rules.RuleSettings;
import io.presencesync.testsupport.SettableClock;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static io.presencesync.testsupport.SyncTimingBuilder.aSyncTiming;
import static io.presencesync.testsupport.TenantPortsBuilder.ports;

/**
 * What the scheduling decisions are tested against: tenants whose users and calendars a test
 * sets, a schedule and stores in memory (shared, as a cluster's nodes share them), a clock the
 * test steps, and one log of what happened, in order.
 */
final class SyncWorld {

    static final SyncTiming TIMING = aSyncTiming().build();

    final SettableClock clock = new SettableClock(Instant.parse("2026-11-30T08:59:00Z"));
    final List<String> log = new ArrayList<>();
    final List<PresenceUpdate> published = new ArrayList<>();
    /** By configured reference. */
    final Map<String, SourceResult<User>> directory = new HashMap<>();
    /** By user id; a user missing here has an empty calendar. */
    final Map<String, SourceResult<List<FreeBusyItem>>> calendars = new HashMap<>();
    int calendarReads;
    /** Runs inside every calendar read, before it answers: a test may make Graph wait there. */
    volatile Runnable calendarWait = () -> {};

    /** From now on a calendar read counts {@code reading} down, then waits for {@code answers}, as a Graph that hangs. */
    void calendarsHang(CountDownLatch reading, CountDownLatch answers) {
        calendarWait = () -> {
            reading.countDown();
            try {
                answers.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }
    /** When set, the directory fails outright (not user by user). */
    boolean directoryDown;
    final RecordingSchedule schedule = new RecordingSchedule(log);
    final UnitMembers members = recorded(UnitMembers.inMemory());
    final UnitStates states = UnitStates.inMemory();
    final TenantRosters rosters = TenantRosters.inMemory();
    /** Where this world's nodes stand among the configurations; a test may make theirs older. */
    ConfigGenerations generations = ConfigGenerations.single();
    int unitSize = 2;
    /** The node's sync threads. */
    int threads = 8;

    /** A user the directory finds under {@code name@tenant.com}. */
    User user(String tenant, String name) {
        User user = new User("id-" + name, name + "@" + tenant + ".com");
        directory.put(user.address(), new SourceResult.Ok<>(user));
        return user;
    }

    void meeting(User user, String from, String to) {
        calendars.put(user.id(), new SourceResult.Ok<>(List.of(new FreeBusyItem(Instant.parse(from), Instant.parse(to), FreeBusyStatus.BUSY))));
    }

    /** A tenant configured with these users. */
    TenantSetup tenant(String name, User... users) {
        return tenant(name, publisher(), users);
    }

    TenantSetup tenant(String name, PresencePublisher publisher, User... users) {
        UserDirectory lookups = new UserDirectory() {
            @Override
            public Map<String, SourceResult<User>> resolve(List<String> references) {
                if (directoryDown) throw new IllegalStateException("Graph unreachable");
                Map<String, SourceResult<User>> found = new HashMap<>();
                for (String ref : references) found.put(ref, directory.get(ref));
                return found;
            }

            @Override
            public Map<String, SourceResult<List<User>>> groupMembers(List<String> groupIds) { return Map.of(); }
        };
        CalendarSource calendarSource = (asked, from, to) -> {
            calendarReads++;
            calendarWait.run();
            Map<String, SourceResult<List<FreeBusyItem>>> answer = new HashMap<>();
            for (User u : asked) answer.put(u.id(), calendars.getOrDefault(u.id(), new SourceResult.Ok<>(List.of())));
            return answer;
        };
        List<String> references = Arrays.stream(users).map(User::address).toList();
        TenantPorts ports = ports().withDirectory(lookups).withCalendars(calendarSource).publishingTo(publisher).build();
        return new TenantSetup(name, references, List.of(), ports, new PresenceRules(RuleSettings.DEFAULTS));
    }

    /** A node configured with these tenants, on this world's schedule and stores. */
    ConfiguredTenants node(TenantSetup... tenants) {
        return node(states, tenants);
    }

    ConfiguredTenants node(UnitStates states, TenantSetup... tenants) {
        return new ConfiguredTenants(List.of(tenants), TIMING, unitSize, threads, clock, schedule,
                new SyncStores(members, states, rosters, generations));
    }

    /** Publishes into {@link #published} and the log. */
    PresencePublisher publisher() {
        return update -> {
            published.add(update);
            log.add("publish " + update.tenant() + " " + update.user().id() + " " + update.presence().state());
        };
    }

    private UnitMembers recorded(UnitMembers store) {
        return new UnitMembers() {
            @Override
            public void save(String tenant, List<List<User>> units) {
                log.add("save members " + tenant + " " + units.stream().map(List::size).toList());
                store.save(tenant, units);
            }

            @Override
            public List<User> load(String tenant, int unit) { return store.load(tenant, unit); }

            @Override
            public List<List<User>> all(String tenant) { return store.all(tenant); }
            public java.util.Optional<Member> find(String tenant, String idOrAddress) { return store.find(tenant, idOrAddress); }

            @Override
            public void forget(String tenant) {
                log.add("forget members " + tenant);
                store.forget(tenant);
            }
        };
    }
}
