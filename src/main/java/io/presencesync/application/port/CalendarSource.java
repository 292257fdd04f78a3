package io.presencesync.application.port;

import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.User;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Reads users' free/busy. */
public interface CalendarSource {

    /** Free/busy items over [from, to) for each user, keyed by user id; every user gets a result. */
    Map<String, SourceResult<List<FreeBusyItem>>> freeBusy(List<User> users, Instant from, Instant to);
}
