package io.presencesync.application;

import io.presencesync.domain.User;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a tenant's directory refresh leaves each sync unit's members for the unit's own runs (on any
 * node in clustered mode). The in-memory form serves a single node; a table in the database a cluster.
 */
public interface UnitMembers {

    /** Replaces the tenant's units: {@code units.get(n)} are the members of unit n. */
    void save(String tenant, List<List<User>> units);

    /** The members of one unit; empty when none were saved. */
    List<User> load(String tenant, int unit);

    /** The members of every unit of the tenant, by unit number. */
    List<List<User>> all(String tenant);

    /** Forgets a tenant that is no longer configured. */
    void forget(String tenant);

    /** The unit a user is a member of, found by object id or address (case-insensitively); empty when in none. */
    Optional<Member> find(String tenant, String idOrAddress);

    /** A user and the unit that runs them. */
    record Member(int unit, User user) {}

    /** Whether {@code user} is the one an object id or address names. */
    static boolean names(User user, String idOrAddress) {
        return user.id().equalsIgnoreCase(idOrAddress) || user.address().equalsIgnoreCase(idOrAddress);
    }

    static UnitMembers inMemory() {
        Map<String, List<List<User>>> byTenant = new ConcurrentHashMap<>();
        return new UnitMembers() {
            @Override
            public void save(String tenant, List<List<User>> units) {
                byTenant.put(tenant, units.stream().map(List::copyOf).toList());
            }

            @Override
            public List<User> load(String tenant, int unit) {
                List<List<User>> units = byTenant.getOrDefault(tenant, List.of());
                return unit < units.size() ? units.get(unit) : List.of();
            }

            @Override
            public List<List<User>> all(String tenant) {
                return byTenant.getOrDefault(tenant, List.of());
            }

            @Override
            public void forget(String tenant) {
                byTenant.remove(tenant);
            }

            @Override
            public Optional<Member> find(String tenant, String idOrAddress) {
                List<List<User>> units = byTenant.getOrDefault(tenant, List.of());
                for (int unit = 0; unit < units.size(); unit++) {
                    for (User user : units.get(unit)) if (names(user, idOrAddress)) return Optional.of(new Member(unit, user));
                }
                return Optional.empty();
            }
        };
    }
}
