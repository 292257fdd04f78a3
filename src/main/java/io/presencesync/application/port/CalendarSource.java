package io.presencesync.application.port;

import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.User;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads users' free/busy. */
public interface CalendarSource {

    /** Free/busy items over [from, to) for each user, keyed by user id; every user gets a result. */
    Map<String, SourceResult<List<FreeBusyItem>>> freeBusy(List<User> users, Instant from, Instant to);

    /**
     * The same read with each user's mailbox time zone; a source that cannot tell the zone (the
     * default) answers its free/busy with the zone unknown.
     */
    default Map<String, SourceResult<MailboxSchedule>> schedules(List<User> users, Instant from, Instant to) {
        Map<String, SourceResult<MailboxSchedule>> schedules = new LinkedHashMap<>();
        freeBusy(users, from, to).forEach((id, r) -> schedules.put(id, r.map(items -> new MailboxSchedule(items, null))));
        return schedules;
    }
}
