package io.presencesync.application;

import java.util.Objects;

/** What the sync keeps between runs: in memory on a single node, in the shared database in a cluster. */
public record SyncStores(UnitMembers members, UnitStates states, TenantRosters rosters, ConfigGenerations generations) {
    public SyncStores {
        Objects.requireNonNull(members, "members");
        Objects.requireNonNull(states, "states");
        Objects.requireNonNull(rosters, "rosters");
        Objects.requireNonNull(generations, "generations");
    }

    public static SyncStores inMemory() {
        return new SyncStores(UnitMembers.inMemory(), UnitStates.inMemory(), TenantRosters.inMemory(), ConfigGenerations.single());
    }
}
