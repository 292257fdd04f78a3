package io.presencesync.testsupport;

import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.Reason;
import io.presencesync.domain.User;

import java.time.Instant;

/** Test data: users and their updates, versions as the sync makes them. */
public final class Updates {

    public static final Instant T0 = Instant.parse("2026-11-30T08:00:00Z");

    private Updates() {}

    public static User user(int i) {
        return new User(String.format("00000000-0000-4000-8000-%012d", i), "user" + i + "@contoso.com");
    }

    /** Version {@code v} of user {@code i}: BUSY in a meeting for odd versions, NONE for even ones. */
    public static PresenceUpdate update(int i, int v) {
        Instant since = T0.plusSeconds(60L * v);
        EventPresence presence = v % 2 == 1
                ? new EventPresence(Reason.CALENDAR_BUSY, since, since.plusSeconds(30 * 60))
                : EventPresence.none(since, null);
        return new PresenceUpdate("contoso", user(i), presence, since.toEpochMilli() * 1000 + v);
    }
}
