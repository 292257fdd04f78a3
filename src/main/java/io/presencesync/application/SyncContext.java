package io.presencesync.application;

import java.time.Clock;
import java.util.Objects;

/** What the runs of every tenant on this node work with. */
record SyncContext(SyncSchedule schedule, SyncStores stores, SyncTiming timing, int unitSize, Clock clock, ThreadShares threads) {
    SyncContext {
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(stores, "stores");
        Objects.requireNonNull(timing, "timing");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(threads, "threads");
    }

    UnitMembers members() { return stores.members(); }

    UnitStates states() { return stores.states(); }
}
