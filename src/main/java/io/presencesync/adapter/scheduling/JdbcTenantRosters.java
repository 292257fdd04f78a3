package io.presencesync.adapter.scheduling;

import io.presencesync.application.TenantRoster;
import io.presencesync.application.TenantRosters;

import javax.sql.DataSource;
import java.util.List;
import java.util.function.Consumer;

/**
 * The tenants' rosters in PostgreSQL, one row per tenant in {@link RosterJson}, read before and
 * written after a directory run ({@link JsonRows#update}): a lookup of a large tenant may take
 * longer than a transaction may stay open. A roster that cannot be read starts anew: its next run
 * looks everyone up and keeps each user in the unit the unit members say.
 */
final class JdbcTenantRosters implements TenantRosters {

    static final String TABLE = "presence_sync_tenant_roster";

    private final JsonRows<TenantRoster> rows;

    JdbcTenantRosters(DataSource dataSource) {
        this.rows = new JsonRows<>(dataSource, new JsonRows.Shape<>(TABLE, "roster", List.of("tenant"), RosterJson.FORMAT,
                key -> new TenantRoster((String) key.get(0)),
                key -> new TenantRoster((String) key.get(0)), key -> "tenant " + key.get(0) + ": roster"));
    }

    /** How many rows this node found unreadable since it started. */
    long unreadable() {
        return rows.unreadable();
    }

    @Override
    public void run(String tenant, Consumer<TenantRoster> run) {
        rows.update(List.of(tenant), run);
    }

    @Override
    public void forget(String tenant) {
        rows.deleteAll(tenant);
    }
}
