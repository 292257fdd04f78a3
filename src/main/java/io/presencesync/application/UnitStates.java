package io.presencesync.application;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What each sync unit remembers between runs ({@link UnitState}), and the guarantee that only one
 * run works on it at a time. On a single node the scheduler's own guarantee (Quartz's
 * {@code @DisallowConcurrentExecution}) is enough and the states live in memory; in a cluster, Quartz
 * takes a node that stalled past its check-in for dead and runs its units elsewhere while it may
 * still be inside them, so the database's store holds a row lock on the unit's state for the whole run.
 * A poll waits for Graph holding only the unit's <em>poll</em> ({@link #poll}), not its state: the unit's
 * transitions are published on time while its poll waits for a Graph that hangs.
 */
public interface UnitStates {

    /**
     * Runs {@code run} on the unit's state and keeps what it leaves; returns false, without running
     * it, when another run holds the unit right now (on another node).
     */
    boolean run(String tenant, int unit, Consumer<UnitState> run);

    /**
     * A poll of the unit: {@code read} (the wait for the sources) runs holding the unit's poll only, so
     * that no other poll of the unit reads at the same time, on any node, while the unit's transitions
     * go on; then {@code apply} runs on the unit's state as in {@link #run}, once no other run holds it
     * (a transition's run is short). Returns false, without applying, when another poll holds the
     * unit's poll (then without reading either), or when another run keeps the state too long.
     */
    <T> boolean poll(String tenant, int unit, Supplier<T> read, BiConsumer<UnitState, T> apply);

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
        Map<String, ReentrantLock> polls = new ConcurrentHashMap<>();
        return new UnitStates() {
            @Override
            public boolean run(String tenant, int unit, Consumer<UnitState> run) {
                UnitState state = byTenant.computeIfAbsent(tenant, t -> new ConcurrentHashMap<>()).computeIfAbsent(unit, u -> new UnitState());
                // A poll and a transition of one unit may run at once; the lock makes them take turns on the state, and keeps a
                // read (an explanation) off a run in progress.
                synchronized (state) {
                    run.accept(state);
                }
                return true;
            }

            @Override
            public <T> boolean poll(String tenant, int unit, Supplier<T> read, BiConsumer<UnitState, T> apply) {
                ReentrantLock polling = polls.computeIfAbsent(tenant + "/" + unit, k -> new ReentrantLock());
                if (!polling.tryLock()) return false;
                try {
                    T answer = read.get();
                    return run(tenant, unit, state -> apply.accept(state, answer));
                } finally {
                    polling.unlock();
                }
            }

            @Override
            public List<UnitState> forget(String tenant) {
                Map<Integer, UnitState> states = byTenant.remove(tenant);
                return states == null ? List.of() : new ArrayList<>(states.values());
            }
        };
    }
}
