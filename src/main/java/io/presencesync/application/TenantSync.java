package io.presencesync.application;

import io.presencesync.domain.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One configured tenant's runs, as the scheduler's jobs call them: the directory refresh decides
 * the tenant's units and their members, a unit's run decides the unit's next runs. The
 * {@link SyncSchedule} carries the decisions out. Neither run throws: a failure is logged and the
 * next run tries again.
 */
public final class TenantSync {

    /** A run skipped because another run holds its unit looks again this much later. */
    static final Duration SKIPPED_RETRY = Duration.ofSeconds(1);
    /** 1/φ: successive units' poll phases spread evenly over the interval, however many there are. */
    private static final double GOLDEN = 0.6180339887498949;
    private static final Logger log = LoggerFactory.getLogger(TenantSync.class);

    private final TenantSetup setup;
    private final SyncContext context;
    /** Runs put off since the last warning about them, and when that was (one warning per calendar-poll interval). */
    private final AtomicInteger skippedRuns = new AtomicInteger();
    private final AtomicReference<Instant> skipWarned = new AtomicReference<>(Instant.MIN);
    /** Polls put off since the start (a metric's). */
    private final AtomicLong pollsPutOff = new AtomicLong();

    TenantSync(TenantSetup setup, SyncContext context) {
        this.setup = setup;
        this.context = context;
    }

    public String name() { return setup.name(); }

    /** The polls of this tenant put off since the node started, because its runs held its share of the sync threads. */
    public long pollsPutOff() { return pollsPutOff.get(); }

    /**
     * The directory job refreshes at once and then every user-refresh interval, also when it exists
     * already: a lookup done while this node was down may be stale by now.
     */
    void scheduleDirectory() {
        context.schedule().directory(name(), context.clock().instant(), context.timing().userRefreshInterval());
    }

    /** The directory run on the tenant's kept roster (see {@link #refreshDirectory(TenantRoster)}). */
    public void refreshDirectory() {
        if (!context.threads().tryTake(name())) {
            putOff("user lookup", context.timing().calendarPollInterval());
            try {
                context.schedule().directoryRetry(name(), Optional.of(context.clock().instant().plus(context.timing().calendarPollInterval())));
            } catch (RuntimeException e) {
                log.error("tenant {}: cannot schedule the skipped user lookup again; it follows at the next refresh", name(), e);
            }
            return;
        }
        try {
            context.stores().rosters().run(name(), this::refreshDirectory);
        } catch (RuntimeException e) {
            log.error("tenant {}: user lookup failed; trying again at the next refresh", name(), e);
        } finally {
            context.threads().giveBack(name());
        }
    }

    /**
     * A run this tenant's share of the sync threads had no room for ({@link ThreadShares}): its
     * runs still wait for Graph. Warned about once a calendar-poll interval, with a count.
     */
    private void putOff(String what, Duration by) {
        int count = skippedRuns.incrementAndGet();
        Instant now = context.clock().instant();
        Instant last = skipWarned.get();
        if (now.isBefore(last.plus(context.timing().calendarPollInterval())) || !skipWarned.compareAndSet(last, now)) return;
        skippedRuns.addAndGet(-count);
        log.warn("tenant {}: {} put off by {} s ({} run(s) put off since the last warning): the tenant's runs already hold its share "
                + "of the sync threads ({} of {}) waiting for Graph; the other tenants keep theirs", name(), what, by.toSeconds(), count,
                context.threads().share(), context.threads().threads());
    }

    /**
     * Looks up who is due (see {@link TenantRoster#refresh}), hands each unit its members and makes
     * sure every unit the roster fills has its job. A unit the roster no longer fills keeps its job:
     * its runs still owe the leavers their final NONE ({@link UnitSync#members}). Lookups that failed
     * are tried again after one calendar-poll interval.
     */
    void refreshDirectory(TenantRoster roster) {
        try {
            if (roster.neverRefreshed()) roster.adoptUnits(context.members().all(name()));
            roster.refresh(setup.users(), setup.groups(), setup.ports().directory(), context.clock().instant(),
                    context.timing().userRefreshInterval(), context.unitSize());
            List<List<User>> units = roster.units();
            context.members().save(name(), units); // before the units' jobs: a new unit runs at once and reads them
            scheduleUnits(units.size());
            Optional<Instant> retry = roster.hasPending()
                    ? Optional.of(context.clock().instant().plus(context.timing().calendarPollInterval())) : Optional.empty();
            context.schedule().directoryRetry(name(), retry);
        } catch (RuntimeException e) {
            log.error("tenant {}: user lookup failed; trying again at the next refresh", name(), e);
        }
    }

    /** Units 0..count-1 have their jobs; a new unit polls its calendars at once. */
    private void scheduleUnits(int count) {
        Instant now = context.clock().instant();
        SyncTiming timing = context.timing();
        for (int unit = 0; unit < count; unit++) {
            context.schedule().unit(name(), unit, now, List.of(
                    poll(unit, UnitStep.CALENDAR_POLL, timing.calendarPollInterval(), now),
                    poll(unit, UnitStep.CALL_STATE_POLL, timing.callStatePollInterval(), now)));
        }
    }

    /**
     * A poll whose phase is the unit's own, so units do not all call Graph in the same second; every
     * node works out the same phase. A new unit reads its calendars at once, so its regular calendar
     * polls begin at the first phase at least half an interval later: a phase seconds after that first
     * read would read the same calendars again (a starting node's calendar reads were doubled).
     */
    private SyncSchedule.Poll poll(int unit, UnitStep step, Duration every, Instant now) {
        double spread = ((unit + 1) * GOLDEN + (name().hashCode() & 0xffff) / 65536.0) % 1.0;
        if (step == UnitStep.CALENDAR_POLL && spread < 0.5) spread += 1;
        return new SyncSchedule.Poll(step, now.plusMillis((long) (spread * every.toMillis())), every);
    }

    /**
     * Runs one step of the unit on its stored state, then schedules the unit's next transition (at
     * once when it fell due meanwhile). When another run holds the unit (a node taken for dead that
     * still works on it) nothing runs here and the unit looks again a second later, under a run of its
     * own, so the holder's next transition stays and no due transition waits for the next poll.
     */
    public void runUnit(int unit, UnitStep step) {
        boolean polls = step != UnitStep.TRANSITION;
        if (polls && !context.threads().tryTake(name())) {
            // A unit's first poll runs once: it must not be lost, nor must any poll wait a whole interval.
            pollsPutOff.incrementAndGet();
            putOff(step.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " of unit " + unit, SKIPPED_RETRY);
            try {
                context.schedule().retryPoll(name(), unit, step, context.clock().instant().plus(SKIPPED_RETRY));
            } catch (RuntimeException e) {
                log.error("tenant {}: unit {}: cannot schedule the {} again; it follows at its next turn", name(), unit, step, e);
            }
            return;
        }
        try {
            runUnitStep(unit, step);
        } finally {
            if (polls) context.threads().giveBack(name());
        }
    }

    /**
     * A transition runs on the unit's state. A poll reads its source first, holding the unit's poll but
     * not its state ({@link UnitStates#poll}), so that a transition due meanwhile is published on time
     * however long Graph takes; then it takes its answer in on the state. The unit's next transition is
     * scheduled while the state is still held: of a poll and a transition ending at once, the later one's
     * decision stands.
     */
    private void runUnitStep(int unit, UnitStep step) {
        boolean ran;
        try {
            List<User> members = context.members().load(name(), unit);
            ran = step == UnitStep.TRANSITION
                    ? context.states().run(name(), unit, state -> run(state, members, unit, step, null))
                    : context.states().poll(name(), unit, () -> read(members, unit, step), (state, read) -> run(state, members, unit, step, read));
        } catch (RuntimeException e) {
            log.error("tenant {}: unit {}: {} failed; the next run continues", name(), unit, step, e);
            return;
        }
        if (ran) return;
        try {
            // Logged once a calendar-poll interval, not at every retry of a second.
            if (step == UnitStep.CALENDAR_POLL) {
                log.info("tenant {}: unit {} is running elsewhere (another node, or one taken for dead that is still at it); "
                        + "its runs are left to that one until it ends", name(), unit);
            }
            context.schedule().retrySkipped(name(), unit, context.clock().instant().plus(SKIPPED_RETRY));
        } catch (RuntimeException e) {
            log.error("tenant {}: unit {}: cannot schedule its next transition; it follows at the next poll", name(), unit, e);
        }
    }

    /** A poll's wait for its source; null when the source failed outright (logged): the run then publishes what is due only. */
    private Object read(List<User> members, int unit, UnitStep step) {
        try {
            return step == UnitStep.CALENDAR_POLL
                    ? UnitSync.readCalendars(setup.ports(), members, context.clock(), context.timing())
                    : UnitSync.readCallState(setup.ports(), members);
        } catch (RuntimeException e) {
            log.error("tenant {}: unit {}: {} failed; the next run continues", name(), unit, step, e);
            return null;
        }
    }

    /** The step on the unit's state ({@code read}: what its poll read), then the unit's next transition scheduled. */
    private void run(UnitState state, List<User> members, int unit, UnitStep step, Object read) {
        UnitSync sync = new UnitSync(name(), state, setup.ports(), setup.rules(), context.clock(), context.timing());
        try {
            sync.members(members);
            if (sync.recovering() && step != UnitStep.TRANSITION) {
                sync.pollAfresh(); // rare (an unreadable stored state): it reads both sources again, holding the state
            } else if (read instanceof UnitSync.CalendarRead calendars) {
                sync.calendarsRead(calendars);
            } else if (read instanceof UnitSync.CallStateRead calls) {
                sync.callStateRead(calls);
            } else {
                sync.publishDueTransitions();
            }
        } catch (RuntimeException e) {
            log.error("tenant {}: unit {}: {} failed; the next run continues", name(), unit, step, e);
        }
        Instant now = context.clock().instant();
        try {
            context.schedule().transition(name(), unit, sync.nextTransition().map(at -> at.isBefore(now) ? now : at));
        } catch (RuntimeException e) {
            log.error("tenant {}: unit {}: cannot schedule its next transition; it follows at the next poll", name(), unit, e);
        }
    }
}
