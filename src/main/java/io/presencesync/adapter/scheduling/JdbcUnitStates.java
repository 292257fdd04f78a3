package io.presencesync.adapter.scheduling;

import io.presencesync.application.UnitState;
import io.presencesync.application.UnitStates;

import javax.sql.DataSource;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The units' states in PostgreSQL, one row per unit in {@link UnitStateJson}, each held for its
 * unit's whole run, a poll's wait for Graph excepted ({@link JsonRows#poll}). A state that cannot be read starts as
 * {@link UnitState#unreadable()}: the unit's next run reads both sources afresh and holds back NONE
 * until it knows the call state, so no busy user flashes NONE.
 */
final class JdbcUnitStates implements UnitStates {

    static final String TABLE = "presence_sync_unit_state";

    private final JsonRows<UnitState> rows;

    JdbcUnitStates(DataSource dataSource) {
        this.rows = new JsonRows<>(dataSource, new JsonRows.Shape<>(TABLE, "state", List.of("tenant", "unit"), UnitStateJson.FORMAT,
                key -> new UnitState(), key -> UnitState.unreadable(), key -> "tenant " + key.get(0) + ": sync unit " + key.get(1)));
    }

    /** How many rows this node found unreadable since it started. */
    long unreadable() {
        return rows.unreadable();
    }

    @Override
    public boolean run(String tenant, int unit, Consumer<UnitState> run) {
        return rows.run(List.of(tenant, unit), run);
    }

    @Override
    public <T> boolean poll(String tenant, int unit, Supplier<T> read, BiConsumer<UnitState, T> apply) {
        return rows.poll(List.of(tenant, unit), read, apply);
    }

    @Override
    public List<UnitState> forget(String tenant) {
        return rows.deleteAll(tenant);
    }
}
