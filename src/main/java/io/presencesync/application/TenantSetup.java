package io.presencesync.application;

import io.presencesync.rules.PresenceRules;

import java.util.List;
import java.util.Objects;

/**
 * One configured tenant as its sync units need it.
 *
 * @param users  the configured users (UPN, address or object id)
 * @param groups the configured groups (object ids) whose transitive user members are synchronised too
 */
public record TenantSetup(String name, List<String> users, List<String> groups, TenantPorts ports, PresenceRules rules) {
    public TenantSetup {
        Objects.requireNonNull(name, "name");
        users = List.copyOf(users);
        groups = List.copyOf(groups);
        Objects.requireNonNull(ports, "ports");
        Objects.requireNonNull(rules, "rules");
    }
}
