package io.presencesync.application;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What each sync unit remembers between runs ({@link UnitState}), and the guarantee that only one
 * run works on it at a time. On a single node the scheduler's own guarantee (Quartz's
 * {@code @DisallowConcurrentExecution}) is enough and the states live in memory; in a cluster, Quartz
 * takes a node that stalled past its check-in for dead and runs its units elsewhere while it may
 * still be inside them, so the database's store holds a row lock on the unit's state for the whole run.
 */
public interface UnitStates {

    /**
     * Runs {@code run} on the unit's state and keeps what it leaves; returns false, without running
     * it, when another run holds the unit right now (on another node).
     */
    boolean run(String tenant, int unit, Consumer<UnitState> run);

    /**
     * What {@code read} makes of the unit's state, taken like a run (so never while a run works on
     * it); empty when another run holds the unit right now. {@code read} must not change the state.
     */
    default <T> Optional<T> read(String tenant, int unit, Function<UnitState, T> read) {
        AtomicReference<T> result = new AtomicReference<>();
        return run(tenant, unit, state -> result.set(read.apply(state))) ? Optional.ofNullable(result.get()) : Optional.empty();
    }

    /** Removes and returns the states of a tenant that is no longer configured. */
    List<UnitState> forget(String tenant);

    static UnitStates inMemory() {
        Map<String, Map<Integer, UnitState>> byTenant = new ConcurrentHashMap<>();
        return new UnitStates() {
            @Override
            public boolean run(String tenant, int unit, Consumer<UnitState> run) {
                UnitState state = byTenant.computeIfAbsent(tenant, t -> new ConcurrentHashMap<>()).computeIfAbsent(unit, u -> new UnitState());
                // The scheduler never runs a unit twice at once; the lock keeps a read (an explanation) off a run in progress.
                synchronized (state) {
                    run.accept(state);
                }
                return true;
            }

            @Override
            public List<UnitState> forget(String tenant) {
                Map<Integer, UnitState> states = byTenant.remove(tenant);
                return states == null ? List.of() : new ArrayList<>(states.values());
            }
        };
    }
}
