package io.presencesync.application;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link SyncSchedule} that keeps its jobs in memory and writes what it is asked, one line a
 * call, into a log shared with the other fakes of a test, so the order of everything shows.
 */
final class RecordingSchedule implements SyncSchedule {

    private final List<String> log;
    private final Map<String, Set<String>> jobsByTenant = new LinkedHashMap<>();
    private final Map<String, List<Poll>> polls = new HashMap<>();
    /** When set, every change fails as a scheduler that lost its database would. */
    boolean down;

    RecordingSchedule(List<String> log) {
        this.log = log;
    }

    /** The polls the unit was last given. */
    List<Poll> polls(String tenant, int unit) { return polls.get(tenant + "/" + unit); }

    @Override
    public List<String> tenants() { return List.copyOf(jobsByTenant.keySet()); }

    @Override
    public List<String> jobs(String tenant) {
        log.add("list jobs " + tenant);
        return List.copyOf(jobsByTenant.getOrDefault(tenant, Set.of()));
    }

    @Override
    public void removeJobs(String tenant, List<String> jobs) {
        change("remove jobs " + tenant + " " + jobs);
        Set<String> left = jobsByTenant.getOrDefault(tenant, new LinkedHashSet<>());
        jobs.forEach(left::remove);
        if (left.isEmpty()) jobsByTenant.remove(tenant);
    }

    @Override
    public void directory(String tenant, Instant first, Duration every) {
        change("directory " + tenant + " at " + first + " every " + every);
        jobsByTenant.computeIfAbsent(tenant, t -> new LinkedHashSet<>()).add("directory");
    }

    @Override
    public void directoryRetry(String tenant, Optional<Instant> at) {
        change(at.map(a -> "directory retry " + tenant + " at " + a).orElse("no directory retry " + tenant));
    }

    @Override
    public void unit(String tenant, int unit, Instant created, List<Poll> polls) {
        change("unit " + tenant + " " + unit + " created " + created);
        jobsByTenant.computeIfAbsent(tenant, t -> new LinkedHashSet<>()).add("unit-" + unit);
        this.polls.put(tenant + "/" + unit, new ArrayList<>(polls));
    }

    @Override
    public void transition(String tenant, int unit, Optional<Instant> at) {
        change(at.map(a -> "transition " + tenant + " " + unit + " at " + a).orElse("no transition " + tenant + " " + unit));
    }

    @Override
    public void retrySkipped(String tenant, int unit, Instant at) {
        change("retry skipped " + tenant + " " + unit + " at " + at);
    }

    @Override
    public void retryPoll(String tenant, int unit, UnitStep step, Instant at) {
        change("retry " + step + " " + tenant + " " + unit + " at " + at);
    }

    private void change(String line) {
        if (down) throw new IllegalStateException("scheduler's database unreachable");
        log.add(line);
    }
}
