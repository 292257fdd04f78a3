package io.presencesync.application;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The scheduler's jobs, as the application decides them: per tenant a directory job (who is
 * synchronised, in which unit) and one job per sync unit, each run at the instants given here. An
 * adapter carries it out; in a cluster its jobs are shared, so every method is idempotent and
 * safe when several nodes call it at once. Failures are unchecked exceptions.
 */
public interface SyncSchedule {

    /** The tenants that have jobs, this node's or (clustered) any other node's. */
    List<String> tenants();

    /** The names of the tenant's jobs now. */
    List<String> jobs(String tenant);

    /** Removes these jobs of the tenant, with every run scheduled for them. */
    void removeJobs(String tenant, List<String> jobs);

    /** The tenant's directory job exists (an existing one keeps what it knows) and runs at {@code first}, then every {@code every}. */
    void directory(String tenant, Instant first, Duration every);

    /** One more directory run at the given instant besides the regular ones, replacing an earlier one; empty: none. */
    void directoryRetry(String tenant, Optional<Instant> at);

    /**
     * The unit's job exists with these polls. A new job also runs a calendar poll at {@code created};
     * an existing poll keeps its phase unless its interval changed.
     */
    void unit(String tenant, int unit, Instant created, List<Poll> polls);

    /** The unit's one next-transition run, at the given instant (moved if it exists); empty: none. */
    void transition(String tenant, int unit, Optional<Instant> at);

    /** A run of the unit that was skipped, again at {@code at} as a transition run, apart from the unit's next transition. */
    void retrySkipped(String tenant, int unit, Instant at);

    /**
     * A poll of the unit that found no sync thread it may take ({@link ThreadShares}), again at {@code at},
     * apart from the unit's other runs; a pending one of that step is moved.
     */
    void retryPoll(String tenant, int unit, UnitStep step, Instant at);

    /** A unit's regular run: {@code step} at {@code first}, then every {@code every}. */
    record Poll(UnitStep step, Instant first, Duration every) {
        public Poll {
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(first, "first");
            Objects.requireNonNull(every, "every");
        }
    }
}
