package io.presencesync.application;

import java.util.Map;
import java.util.Objects;

/**
 * Which configuration decides the shared jobs when the nodes of a cluster run different ones (a
 * rollout, a rollback): each configuration seen gets a generation number, the newest claimed decides.
 * A configuration never seen before claims the next number; one seen before is the newest again only
 * when no live node runs the newest (the newer configuration's nodes are all gone: a rollback).
 */
public interface ConfigGenerations {

    /**
     * Registers this node as running {@code config} (at its start, and again every check-in to show
     * that it is alive) and says where that configuration stands, claiming a new generation for it
     * when the rules above say so. Failures are unchecked exceptions.
     */
    Standing enter(ConfigFingerprint config);

    /** This node stops: it no longer counts as a live node of its generation. */
    void leave();

    /**
     * @param generation    this node's configuration's generation
     * @param newest        the newest generation
     * @param newestTenants the newest configuration's tenants' hashes, by name
     */
    record Standing(long generation, long newest, Map<String, String> newestTenants) {
        public Standing {
            newestTenants = Map.copyOf(Objects.requireNonNull(newestTenants, "newestTenants"));
        }

        public boolean isNewest() { return generation == newest; }
    }

    /** A single node: its configuration is the only one, and so the newest. */
    static ConfigGenerations single() {
        return new ConfigGenerations() {
            @Override
            public Standing enter(ConfigFingerprint config) {
                return new Standing(1, 1, config.tenants());
            }

            @Override
            public void leave() {
                // nothing is shared
            }
        };
    }
}
