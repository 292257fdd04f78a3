package io.presencesync.application.port;

import io.presencesync.domain.User;

import java.util.List;
import java.util.Map;

/** Reads users' current Teams activity (e.g. InACall, Available, PresenceUnknown) and automatic replies. */
public interface CallStateSource {

    /** The Teams presence of each user, keyed by user id; every user gets a result. */
    Map<String, SourceResult<TeamsPresence>> presences(List<User> users);
}
