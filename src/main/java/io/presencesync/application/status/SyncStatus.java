package io.presencesync.application.status;

import io.presencesync.application.SyncTiming;
import io.presencesync.application.port.SourceResult;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What each tenant's sync has done so far, fed by whoever runs the steps ({@link ObservedPorts}
 * around the sources) and read by health checks, metrics and the status page.
 *
 * <p>A step is read by several <em>units</em> of a tenant (the sync units for the calendar and
 * call-state polls; the reference lookup and the group read for the user lookup). Each unit keeps
 * its own last run, so the tenant's view of a step ({@link TenantSnapshot#step}) aggregates them:
 * failed while any unit's last run failed, last success the oldest of the units'. Users a source
 * answered with a definitive error are kept per user, across units: a newer answer about that user
 * replaces or clears it. A unit or user no step asked about for {@value #FORGET_AFTER_INTERVALS}
 * intervals of that step is forgotten: it is no longer synchronised (a leaver), or, in clustered
 * mode, another node runs it now.
 */
public final class SyncStatus {

    /** A unit or user not asked about for this many intervals of its step is forgotten. */
    public static final int FORGET_AFTER_INTERVALS = 3;

    /** Told of every finished step run, e.g. to time it. */
    public interface Listener {
        void stepFinished(String tenant, SyncStep step, StepOutcome outcome, Duration took);
    }

    /** The latest of one step (of one unit, or aggregated over a tenant's units); instants are null until it happened. */
    public record StepRecord(Instant lastStarted, Instant lastFinished, StepOutcome lastOutcome, Instant lastSuccess) {
        static final StepRecord NEVER = new StepRecord(null, null, null, null);
    }

    /**
     * One tenant as last seen.
     *
     * @param firstSyncDone the first user lookup finished and every user it found was in a finished
     *                      calendar poll: true at once when the lookup failed or found no user
     */
    public record TenantSnapshot(String tenant, Map<SyncStep, StepRecord> steps, List<UserProblem> userProblems, boolean firstSyncDone) {
        public StepRecord step(SyncStep step) { return steps.getOrDefault(step, StepRecord.NEVER); }
    }

    /** One run of a step by one unit: returned by {@link #started}, handed to {@link #finished}. */
    public static final class Run {
        private final String tenant;
        private final SyncStep step;
        private final String unit;
        private final Instant startedAt;

        private Run(String tenant, SyncStep step, String unit, Instant startedAt) {
            this.tenant = tenant;
            this.step = step;
            this.unit = unit;
            this.startedAt = startedAt;
        }
    }

    private final Clock clock;
    private final SyncTiming timing;
    private final List<String> tenants;
    private final Map<String, TenantRecords> records = new HashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public SyncStatus(Clock clock, Collection<String> tenants, SyncTiming timing) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timing = Objects.requireNonNull(timing, "timing");
        this.tenants = List.copyOf(tenants);
        for (String t : this.tenants) records.put(t, new TenantRecords());
    }

    public void addListener(Listener listener) { listeners.add(listener); }

    public List<String> tenantNames() { return tenants; }

    /** A unit begins a run of a step. */
    public Run started(String tenant, SyncStep step, String unit) {
        Run run = new Run(tenant, step, Objects.requireNonNull(unit, "unit"), clock.instant());
        TenantRecords t = recordsOf(tenant);
        synchronized (t) {
            t.running.add(run);
            Map<String, StepRecord> units = t.units.get(step);
            StepRecord r = units.getOrDefault(unit, StepRecord.NEVER);
            units.put(unit, new StepRecord(run.startedAt, r.lastFinished(), r.lastOutcome(), r.lastSuccess()));
        }
        return run;
    }

    /**
     * The users a user lookup found: until the tenant's first sync is done, each is waited for in a
     * calendar poll. Tell before {@link #finished} of the lookup's run.
     */
    public void usersFound(String tenant, Collection<String> userIds) {
        TenantRecords t = recordsOf(tenant);
        synchronized (t) {
            if (!t.firstSyncDone) t.awaitingCalendar.addAll(userIds);
        }
    }

    /**
     * A run ended with {@code outcome}, having asked about {@code asked} (key: user id, reference or
     * group; value: how to show it) and got {@code results}: a definitive error replaces the key's
     * problem, an answer clears it, and no answer keeps what was known.
     */
    public void finished(Run run, StepOutcome outcome, Map<String, String> asked, Map<String, ? extends SourceResult<?>> results) {
        Instant now = clock.instant();
        TenantRecords t = recordsOf(run.tenant);
        synchronized (t) {
            t.running.remove(run);
            Map<String, StepRecord> units = t.units.get(run.step);
            StepRecord r = units.getOrDefault(run.unit, StepRecord.NEVER);
            units.put(run.unit, new StepRecord(r.lastStarted() == null ? run.startedAt : r.lastStarted(), now, outcome,
                    outcome.ok() ? now : r.lastSuccess()));
            Map<String, Problem> problems = t.problems.get(run.step);
            for (Map.Entry<String, String> a : asked.entrySet()) {
                SourceResult<?> result = results.get(a.getKey());
                if (result instanceof SourceResult.UserError<?> e) {
                    problems.put(a.getKey(), new Problem(new UserProblem(a.getValue(), run.step, e.code(), e.message()), now));
                } else if (result instanceof SourceResult.Ok<?>) {
                    problems.remove(a.getKey());
                } else {
                    problems.computeIfPresent(a.getKey(), (k, p) -> new Problem(p.problem(), now));
                }
            }
            if (run.step == SyncStep.USER_LOOKUP) t.lookupFinished = true;
            if (run.step == SyncStep.CALENDAR_POLL) t.awaitingCalendar.removeAll(asked.keySet());
        }
        Duration took = Duration.between(run.startedAt, now);
        for (Listener l : listeners) l.stepFinished(run.tenant, run.step, outcome, took.isNegative() ? Duration.ZERO : took);
    }

    public TenantSnapshot tenant(String tenant) {
        TenantRecords t = recordsOf(tenant);
        Instant now = clock.instant();
        synchronized (t) {
            Map<SyncStep, StepRecord> steps = new EnumMap<>(SyncStep.class);
            List<UserProblem> users = new ArrayList<>();
            for (SyncStep step : SyncStep.values()) {
                Instant forgetBefore = now.minus(interval(step).multipliedBy(FORGET_AFTER_INTERVALS));
                t.units.get(step).entrySet().removeIf(u -> isBefore(latest(u.getValue()), forgetBefore) && !t.isRunning(step, u.getKey()));
                t.problems.get(step).values().removeIf(p -> p.lastAsked().isBefore(forgetBefore));
                if (!t.units.get(step).isEmpty()) steps.put(step, aggregate(t.units.get(step).values()));
                for (Problem p : t.problems.get(step).values()) users.add(p.problem());
            }
            // Read lazily, so that a lookup whose reference read found nobody is not "done" before its group read.
            if (!t.firstSyncDone && t.lookupFinished && t.awaitingCalendar.isEmpty()
                    && t.running.stream().noneMatch(r -> r.step == SyncStep.USER_LOOKUP)) {
                t.firstSyncDone = true;
            }
            return new TenantSnapshot(tenant, Map.copyOf(steps), List.copyOf(users), t.firstSyncDone);
        }
    }

    public List<TenantSnapshot> tenants() { return tenants.stream().map(this::tenant).toList(); }

    /**
     * A step over its units: when any unit last started and finished; failed while any unit's last
     * run failed; the last success is the oldest of the units' (null while a unit that finished a
     * run never succeeded), so it says when every unit last succeeded.
     */
    static StepRecord aggregate(Collection<StepRecord> units) {
        Instant started = null;
        Instant finished = null;
        StepOutcome outcome = null;
        Instant success = null;
        boolean neverSucceeded = false;
        for (StepRecord u : units) {
            if (u.lastStarted() != null && (started == null || u.lastStarted().isAfter(started))) started = u.lastStarted();
            if (u.lastFinished() == null) continue; // a unit's first run is still going
            if (finished == null || u.lastFinished().isAfter(finished)) finished = u.lastFinished();
            if (outcome == null || outcome.ok()) outcome = u.lastOutcome();
            if (u.lastSuccess() == null) neverSucceeded = true;
            else if (success == null || u.lastSuccess().isBefore(success)) success = u.lastSuccess();
        }
        return new StepRecord(started, finished, outcome, neverSucceeded ? null : success);
    }

    private Duration interval(SyncStep step) {
        return switch (step) {
            case USER_LOOKUP -> timing.userRefreshInterval();
            case CALENDAR_POLL -> timing.calendarPollInterval();
            case CALL_STATE_POLL -> timing.callStatePollInterval();
        };
    }

    private static Instant latest(StepRecord r) {
        if (r.lastFinished() == null) return r.lastStarted();
        return r.lastStarted() == null || r.lastFinished().isAfter(r.lastStarted()) ? r.lastFinished() : r.lastStarted();
    }

    private static boolean isBefore(Instant at, Instant limit) { return at == null || at.isBefore(limit); }

    private TenantRecords recordsOf(String tenant) {
        TenantRecords t = records.get(tenant);
        if (t == null) throw new IllegalArgumentException("unknown tenant " + tenant);
        return t;
    }

    /** A user's definitive error and when a run last asked about that user. */
    private record Problem(UserProblem problem, Instant lastAsked) {}

    /** One tenant's records; guarded by itself. */
    private static final class TenantRecords {
        final Map<SyncStep, Map<String, StepRecord>> units = new EnumMap<>(SyncStep.class);
        final Map<SyncStep, Map<String, Problem>> problems = new EnumMap<>(SyncStep.class);
        final Set<Run> running = new HashSet<>();
        final Set<String> awaitingCalendar = new HashSet<>();
        boolean lookupFinished;
        boolean firstSyncDone;

        TenantRecords() {
            for (SyncStep step : SyncStep.values()) {
                units.put(step, new LinkedHashMap<>());
                problems.put(step, new LinkedHashMap<>());
            }
        }

        boolean isRunning(SyncStep step, String unit) {
            return running.stream().anyMatch(r -> r.step == step && r.unit.equals(unit));
        }
    }
}
