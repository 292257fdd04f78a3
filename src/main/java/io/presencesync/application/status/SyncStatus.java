package io.presencesync.application.status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What each tenant's sync has done so far: per step the last run, its outcome and the last success,
 * and the users a source answered with a definitive error. Fed by whoever runs the steps
 * ({@link ObservedPorts} around the sources); read by health checks, metrics and the status page.
 */
public final class SyncStatus {

    /** Told of every finished step run, e.g. to time it. */
    public interface Listener {
        void stepFinished(String tenant, SyncStep step, StepOutcome outcome, Duration took);
    }

    /** The latest of one step of one tenant; instants are null until it happened. */
    public record StepRecord(Instant lastStarted, Instant lastFinished, StepOutcome lastOutcome, Instant lastSuccess, long runs) {
        static final StepRecord NEVER = new StepRecord(null, null, null, null, 0);
    }

    /** One tenant as last seen. */
    public record TenantSnapshot(String tenant, Map<SyncStep, StepRecord> steps, List<UserProblem> userProblems) {
        public StepRecord step(SyncStep step) { return steps.getOrDefault(step, StepRecord.NEVER); }
    }

    private final Clock clock;
    private final List<String> tenants;
    private final Map<String, Map<SyncStep, StepRecord>> steps = new ConcurrentHashMap<>();
    private final Map<String, Map<SyncStep, List<UserProblem>>> problems = new ConcurrentHashMap<>();
    private final Map<String, Instant> running = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile Instant lastStart;

    public SyncStatus(Clock clock, Collection<String> tenants) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tenants = List.copyOf(tenants);
        for (String t : this.tenants) {
            steps.put(t, new EnumMap<>(SyncStep.class));
            problems.put(t, new EnumMap<>(SyncStep.class));
        }
    }

    public void addListener(Listener listener) { listeners.add(listener); }

    public List<String> tenantNames() { return tenants; }

    /** A step begins; returns its start for {@link #record}. */
    public Instant started(String tenant, SyncStep step) {
        Instant now = clock.instant();
        running.put(tenant + '/' + step, now);
        lastStart = now;
        Map<SyncStep, StepRecord> byStep = stepsOf(tenant);
        synchronized (byStep) {
            StepRecord r = byStep.getOrDefault(step, StepRecord.NEVER);
            byStep.put(step, new StepRecord(now, r.lastFinished(), r.lastOutcome(), r.lastSuccess(), r.runs()));
        }
        return now;
    }

    /** A step that began at {@code startedAt} ended with {@code outcome}. */
    public void record(String tenant, SyncStep step, StepOutcome outcome, Instant startedAt) {
        Instant now = clock.instant();
        running.remove(tenant + '/' + step);
        Map<SyncStep, StepRecord> byStep = stepsOf(tenant);
        synchronized (byStep) {
            StepRecord r = byStep.getOrDefault(step, StepRecord.NEVER);
            byStep.put(step, new StepRecord(r.lastStarted() == null ? startedAt : r.lastStarted(), now, outcome,
                    outcome.ok() ? now : r.lastSuccess(), r.runs() + 1));
        }
        Duration took = Duration.between(startedAt, now);
        for (Listener l : listeners) l.stepFinished(tenant, step, outcome, took.isNegative() ? Duration.ZERO : took);
    }

    /** Replaces the users a step's source last answered with a definitive error. */
    public void userProblems(String tenant, SyncStep step, Collection<UserProblem> current) {
        Map<SyncStep, List<UserProblem>> byStep = problems.get(tenant);
        if (byStep == null) throw new IllegalArgumentException("unknown tenant " + tenant);
        synchronized (byStep) {
            byStep.put(step, List.copyOf(current));
        }
    }

    public TenantSnapshot tenant(String tenant) {
        Map<SyncStep, StepRecord> byStep = stepsOf(tenant);
        Map<SyncStep, StepRecord> stepCopy;
        synchronized (byStep) {
            stepCopy = new LinkedHashMap<>(byStep);
        }
        List<UserProblem> users = new ArrayList<>();
        Map<SyncStep, List<UserProblem>> problemsByStep = problems.get(tenant);
        synchronized (problemsByStep) {
            for (List<UserProblem> list : problemsByStep.values()) users.addAll(list);
        }
        return new TenantSnapshot(tenant, Map.copyOf(stepCopy), List.copyOf(users));
    }

    public List<TenantSnapshot> tenants() { return tenants.stream().map(this::tenant).toList(); }

    /** When any step of any tenant last began; empty before the first. */
    public Optional<Instant> lastStepStarted() { return Optional.ofNullable(lastStart); }

    /** The start of the oldest step still running, if one is. */
    public Optional<Instant> oldestRunningSince() { return running.values().stream().min(Instant::compareTo); }

    private Map<SyncStep, StepRecord> stepsOf(String tenant) {
        Map<SyncStep, StepRecord> byStep = steps.get(tenant);
        if (byStep == null) throw new IllegalArgumentException("unknown tenant " + tenant);
        return byStep;
    }
}
