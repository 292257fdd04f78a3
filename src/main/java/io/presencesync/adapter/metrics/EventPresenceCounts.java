package io.presencesync.adapter.metrics;

import io.presencesync.domain.EventState;

/** How many of a tenant's users currently have each event presence. */
public interface EventPresenceCounts {

    /** Users of {@code tenant} whose event presence is {@code state}; NONE includes users without one yet. */
    long count(String tenant, EventState state);
}
