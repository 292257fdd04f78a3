package io.presencesync.adapter.publisher;

import io.presencesync.domain.EffectivePresence;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.Reason;
import io.presencesync.domain.User;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Prints each change of a user's effective presence as one readable line: time, user,
 * old → new, the event's reason and times, and whether a profile was suspended or applies again.
 */
public final class ChangeLine implements EmbeddedPresenceStore.Listener {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final DateTimeFormatter DAY_AND_TIME = DateTimeFormatter.ofPattern("EEE d MMM HH:mm", Locale.ENGLISH);

    private final PrintStream out;
    private final Clock clock;
    private final ZoneId zone;

    public ChangeLine(PrintStream out, Clock clock, ZoneId zone) {
        this.out = out;
        this.clock = clock;
        this.zone = zone;
    }

    @Override
    public void changed(String tenant, User user, EmbeddedPresenceStore.Entry before, EmbeddedPresenceStore.Entry after) {
        EffectivePresence was = before == null ? null : before.effective();
        EffectivePresence now = after.effective();
        if (was != null && was.equals(now)) return;
        // A user first seen without any event shows nothing new.
        if (was == null && now.event() == null) return;
        out.println(format(user, was, now, after));
    }

    String format(User user, EffectivePresence was, EffectivePresence now, EmbeddedPresenceStore.Entry entry) {
        StringBuilder line = new StringBuilder()
                .append(TIME.format(clock.instant().atZone(zone))).append("  ")
                .append(String.format("%-34s", user.address())).append(' ')
                .append(String.format("%-13s", was == null ? "-" : was.state().name())).append(" → ")
                .append(now.state().name());
        EventPresence event = now.event();
        if (event != null) {
            line.append("  ").append(describe(event.reason())).append(" (").append(event.reason()).append(')');
            if (event.since().isBefore(clock.instant().minusSeconds(1))) line.append(", since ").append(time(event.since()));
            if (event.until() != null) line.append(", until ").append(time(event.until()));
        }
        boolean hasProfile = entry.manual() != null && entry.manual().profile() != null;
        if (hasProfile && event != null) line.append("; profile suspended");
        if (hasProfile && event == null && was != null && was.event() != null) line.append("; profile applies again");
        return line.toString();
    }

    /** Today's instants as a time; others (an all-day absence) with their day, so none is misread. */
    private String time(Instant t) {
        ZonedDateTime at = t.atZone(zone);
        boolean today = at.toLocalDate().equals(LocalDate.ofInstant(clock.instant(), zone));
        return (today ? TIME : DAY_AND_TIME).format(at);
    }

    public static String describe(Reason reason) {
        return switch (reason) {
            case CALENDAR_BUSY -> "in a meeting";
            case CALENDAR_TENTATIVE -> "tentative meeting";
            case CALENDAR_WORKING_ELSEWHERE -> "working elsewhere";
            case CALENDAR_OOF -> "out of office";
            case AUTO_REPLY -> "automatic replies on";
            case CALL -> "in a call";
        };
    }
}
