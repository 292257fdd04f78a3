package io.presencesync.application.status;

import io.presencesync.application.TenantPorts;
import io.presencesync.application.port.CalendarSource;
import io.presencesync.application.port.CallStateSource;
import io.presencesync.application.port.SourceResult;
import io.presencesync.application.port.UserDirectory;
import io.presencesync.domain.User;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Wraps a tenant's sources so that every read is recorded in {@link SyncStatus}: when it ran, how
 * long it took, whether the source answered, and which users it answered with a definitive error.
 * The sync itself is unchanged: the same results pass through.
 */
public final class ObservedPorts {

    private ObservedPorts() {}

    public static TenantPorts observe(String tenant, TenantPorts ports, SyncStatus status) {
        PerUserStep calendarStep = new PerUserStep(tenant, SyncStep.CALENDAR_POLL, status);
        PerUserStep callStep = new PerUserStep(tenant, SyncStep.CALL_STATE_POLL, status);
        CalendarSource calendars = (users, from, to) -> calendarStep.read(users, () -> ports.calendars().freeBusy(users, from, to));
        CallStateSource calls = users -> callStep.read(users, () -> ports.calls().presences(users));
        return new TenantPorts(new Directory(tenant, ports.directory(), status), calendars, calls, ports.publisher());
    }

    /** Runs one read as a step: a thrown exception is a failed run and is passed on. */
    static <T> Map<String, SourceResult<T>> run(SyncStatus status, String tenant, SyncStep step,
                                                Supplier<Map<String, SourceResult<T>>> read) {
        Instant started = status.started(tenant, step);
        try {
            Map<String, SourceResult<T>> results = read.get();
            status.record(tenant, step, outcome(results), started);
            return results;
        } catch (RuntimeException e) {
            status.record(tenant, step, StepOutcome.failed(e.toString()), started);
            throw e;
        }
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

    /**
     * The problems after a read: definitive errors replace, successes clear, and a key without an
     * answer keeps what was known. {@code keepUnasked} keeps keys this read did not ask about.
     */
    static Map<String, UserProblem> merge(Map<String, UserProblem> before, Map<String, String> asked,
                                          Map<String, ? extends SourceResult<?>> results, SyncStep step, boolean keepUnasked) {
        Map<String, UserProblem> after = keepUnasked ? new LinkedHashMap<>(before) : new LinkedHashMap<>();
        for (Map.Entry<String, String> a : asked.entrySet()) {
            SourceResult<?> r = results.get(a.getKey());
            if (r instanceof SourceResult.UserError<?> e) {
                after.put(a.getKey(), new UserProblem(a.getValue(), step, e.code(), e.message()));
            } else if (r instanceof SourceResult.Ok<?>) {
                after.remove(a.getKey());
            } else if (before.containsKey(a.getKey())) {
                after.put(a.getKey(), before.get(a.getKey()));
            }
        }
        return after;
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

    private record Directory(String tenant, UserDirectory delegate, SyncStatus status, Map<String, UserProblem> references,
                             Map<String, UserProblem> groups) implements UserDirectory {
        Directory(String tenant, UserDirectory delegate, SyncStatus status) {
            this(tenant, delegate, status, new HashMap<>(), new HashMap<>());
        }

        @Override
        public Map<String, SourceResult<User>> resolve(List<String> refs) {
            Map<String, SourceResult<User>> results = run(status, tenant, SyncStep.USER_LOOKUP, () -> delegate.resolve(refs));
            update(references, merge(references, identity(refs), results, SyncStep.USER_LOOKUP, true));
            return results;
        }

        @Override
        public Map<String, SourceResult<List<User>>> groupMembers(List<String> groupIds) {
            Map<String, SourceResult<List<User>>> results = run(status, tenant, SyncStep.USER_LOOKUP, () -> delegate.groupMembers(groupIds));
            update(groups, merge(groups, identity(groupIds), results, SyncStep.USER_LOOKUP, true));
            return results;
        }

        private synchronized void update(Map<String, UserProblem> which, Map<String, UserProblem> now) {
            which.clear();
            which.putAll(now);
            List<UserProblem> all = new ArrayList<>(references.values());
            all.addAll(groups.values());
            status.userProblems(tenant, SyncStep.USER_LOOKUP, all);
        }
    }

    /** The per-user problems of one step that reads every user (calendar or call state). */
    private static final class PerUserStep {
        private final String tenant;
        private final SyncStep step;
        private final SyncStatus status;
        private Map<String, UserProblem> problems = Map.of();

        PerUserStep(String tenant, SyncStep step, SyncStatus status) {
            this.tenant = tenant;
            this.step = step;
            this.status = status;
        }

        <T> Map<String, SourceResult<T>> read(List<User> users, Supplier<Map<String, SourceResult<T>>> source) {
            Map<String, SourceResult<T>> results = run(status, tenant, step, source);
            synchronized (this) {
                problems = merge(problems, addressesById(users), results, step, false);
                status.userProblems(tenant, step, problems.values());
            }
            return results;
        }
    }
}
