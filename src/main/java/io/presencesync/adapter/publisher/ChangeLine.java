package io.presencesync.adapter.publisher;

import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.Reason;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Prints each presence change as one readable line: time, user, old → new, reason, until. */
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
    public void changed(PresenceUpdate before, PresenceUpdate after) {
        // Unknown → none at start-up is no visible change.
        if (before == null && after.presence().isNone()) return;
        out.println(format(before, after));
    }

    String format(PresenceUpdate before, PresenceUpdate after) {
        EventPresence now = after.presence();
        StringBuilder line = new StringBuilder()
                .append(TIME.format(clock.instant().atZone(zone))).append("  ")
                .append(String.format("%-34s", after.user().address())).append(' ')
                .append(String.format("%-5s", before == null ? "-" : state(before.presence()))).append(" → ")
                .append(state(now));
        if (!now.isNone()) line.append("  ").append(describe(now.reason())).append(" (").append(now.reason()).append(')');
        if (!now.isNone() && now.since().isBefore(clock.instant().minusSeconds(1))) line.append(", since ").append(time(now.since()));
        if (now.until() != null) line.append(", until ").append(time(now.until()));
        return line.toString();
    }

    private static String state(EventPresence p) { return p.isNone() ? "none" : p.state().name(); }

    /** Today's instants as a time; others (an all-day absence) with their day, so none is misread. */
    private String time(Instant t) {
        ZonedDateTime at = t.atZone(zone);
        boolean today = at.toLocalDate().equals(LocalDate.ofInstant(clock.instant(), zone));
        return (today ? TIME : DAY_AND_TIME).format(at);
    }

    static String describe(Reason reason) {
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
