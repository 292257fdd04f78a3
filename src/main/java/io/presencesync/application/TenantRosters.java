package io.presencesync.application;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Where each tenant's {@link TenantRoster} is kept between directory runs: in memory on a single
 * node, in the database in a cluster. The scheduler runs a tenant's directory on one node at a time.
 */
public interface TenantRosters {

    /** Runs {@code run} on the tenant's roster (a new one when none is kept) and keeps what it leaves. */
    void run(String tenant, Consumer<TenantRoster> run);

    /** Forgets the roster of a tenant that is no longer configured. */
    void forget(String tenant);

    static TenantRosters inMemory() {
        Map<String, TenantRoster> byTenant = new ConcurrentHashMap<>();
        return new TenantRosters() {
            @Override
            public void run(String tenant, Consumer<TenantRoster> run) {
                run.accept(byTenant.computeIfAbsent(tenant, TenantRoster::new));
            }

            @Override
            public void forget(String tenant) {
                byTenant.remove(tenant);
            }
        };
    }
}
