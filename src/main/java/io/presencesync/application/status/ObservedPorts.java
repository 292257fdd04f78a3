package io.presencesync.application.status;

import io.presencesync.application.TenantPorts;
import io.presencesync.application.port.CalendarSource;
import io.presencesync.application.port.CallStateSource;
import io.presencesync.application.port.MailboxSchedule;
import io.presencesync.application.port.SourceResult;
import io.presencesync.application.port.UserDirectory;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.User;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Wraps a tenant's sources so that every read is recorded in {@link SyncStatus}: when it ran, how
 * long it took, whether the source answered, and which users it answered with a definitive error.
 * The sync itself is unchanged: the same results pass through.
 *
 * <p>All sync units of a tenant share these sources. A calendar or call-state read is told apart by
 * its unit: the id of the first user it asks about. A unit asks about its users in the order they
 * joined it, so this is the unit's longest-standing member; when that user leaves, the unit goes on
 * under the next one's id and its old record is forgotten after a few intervals ({@link SyncStatus}).
 * A user lookup is two units: the configured references, and the configured groups.
 */
public final class ObservedPorts {

    static final String REFERENCES = "references";
    static final String GROUPS = "groups";
    static final String NO_USERS = "no users";

    private ObservedPorts() {}

    public static TenantPorts observe(String tenant, TenantPorts ports, SyncStatus status) {
        CalendarSource calendars = new Calendars(tenant, ports.calendars(), status);
        CallStateSource calls = users -> run(status, tenant, SyncStep.CALL_STATE_POLL, unitOf(users), addressesById(users),
                () -> ports.calls().presences(users));
        return new TenantPorts(new Directory(tenant, ports.directory(), status), calendars, calls, ports.publisher());
    }

    /** Runs one read as a run of {@code unit}: a thrown exception is a failed run, leaves every key unanswered, and is passed on. */
    static <T> Map<String, SourceResult<T>> run(SyncStatus status, String tenant, SyncStep step, String unit, Map<String, String> asked,
                                                Supplier<Map<String, SourceResult<T>>> read) {
        SyncStatus.Run run = status.started(tenant, step, unit);
        Map<String, SourceResult<T>> results;
        try {
            results = read.get();
        } catch (RuntimeException | Error e) {
            status.finished(run, StepOutcome.failed(e.toString()), asked, Map.of());
            throw e;
        }
        if (step == SyncStep.USER_LOOKUP) status.usersFound(tenant, foundIds(results));
        status.finished(run, outcome(results), asked, results);
        return results;
    }

    /** Failed when any key got no answer: part of the tenant was not read. */
    static StepOutcome outcome(Map<String, ? extends SourceResult<?>> results) {
        long unanswered = 0;
        String example = null;
        for (SourceResult<?> r : results.values()) {
            if (r instanceof SourceResult.Unavailable<?> u) {
                unanswered++;
                if (example == null) example = u.message();
            }
        }
        if (unanswered == 0) return StepOutcome.OK;
        return StepOutcome.failed(unanswered + " of " + results.size() + " unanswered: " + example);
    }

    private static String unitOf(List<User> users) {
        return users.isEmpty() ? NO_USERS : users.get(0).id();
    }

    /** The ids of the users a lookup found: resolved references, or the members of the groups read. */
    private static List<String> foundIds(Map<String, ? extends SourceResult<?>> results) {
        List<String> ids = new ArrayList<>();
        for (SourceResult<?> r : results.values()) {
            if (!(r instanceof SourceResult.Ok<?> ok)) continue;
            if (ok.value() instanceof User u) ids.add(u.id());
            if (ok.value() instanceof List<?> members) {
                for (Object m : members) if (m instanceof User u) ids.add(u.id());
            }
        }
        return ids;
    }

    private static Map<String, String> addressesById(List<User> users) {
        Map<String, String> byId = new LinkedHashMap<>();
        for (User u : users) byId.put(u.id(), u.address());
        return byId;
    }

    private static Map<String, String> identity(List<String> keys) {
        Map<String, String> same = new LinkedHashMap<>();
        for (String k : keys) same.put(k, k);
        return same;
    }

    /** Free/busy with or without the mailbox zones: either read is one observed calendar poll. */
    private record Calendars(String tenant, CalendarSource delegate, SyncStatus status) implements CalendarSource {
        @Override
        public Map<String, SourceResult<List<FreeBusyItem>>> freeBusy(List<User> users, Instant from, Instant to) {
            return run(status, tenant, SyncStep.CALENDAR_POLL, unitOf(users), addressesById(users), () -> delegate.freeBusy(users, from, to));
        }

        @Override
        public Map<String, SourceResult<MailboxSchedule>> schedules(List<User> users, Instant from, Instant to) {
            return run(status, tenant, SyncStep.CALENDAR_POLL, unitOf(users), addressesById(users), () -> delegate.schedules(users, from, to));
        }
    }

    private record Directory(String tenant, UserDirectory delegate, SyncStatus status) implements UserDirectory {
        @Override
        public Map<String, SourceResult<User>> resolve(List<String> refs) {
            return run(status, tenant, SyncStep.USER_LOOKUP, REFERENCES, identity(refs), () -> delegate.resolve(refs));
        }

        @Override
        public Map<String, SourceResult<List<User>>> groupMembers(List<String> groupIds) {
            return run(status, tenant, SyncStep.USER_LOOKUP, GROUPS, identity(groupIds), () -> delegate.groupMembers(groupIds));
        }
    }
}
