package io.presencesync.application.port;

import io.presencesync.domain.EventPresence;
import io.presencesync.domain.User;

/**
 * One change of a user's event presence, as handed to the presence store. {@code version} grows
 * with every update of the user, so a store can reject stale or repeated ones.
 */
public record PresenceUpdate(String tenant, User user, EventPresence presence, long version) {}
