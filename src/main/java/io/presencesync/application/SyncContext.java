package io.presencesync.application;

import java.time.Clock;
import java.util.Objects;

/** What the runs of every tenant on this node work with. */
record SyncContext(SyncSchedule schedule, UnitMembers members, UnitStates states, SyncTiming timing, int unitSize, Clock clock) {
    SyncContext {
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(members, "members");
        Objects.requireNonNull(states, "states");
        Objects.requireNonNull(timing, "timing");
        Objects.requireNonNull(clock, "clock");
    }
}
