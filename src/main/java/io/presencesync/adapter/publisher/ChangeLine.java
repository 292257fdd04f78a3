package io.presencesync.adapter.publisher;

import io.presencesync.domain.EffectivePresence;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.Reason;
import io.presencesync.domain.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Each change of a user's effective presence as one readable line: time, user, old → new, the
 * event's reason and times, and whether a profile was suspended or applies again. Printed as text
 * (the demo, a terminal), or, where the logs are JSON, logged as an INFO event of the logger
 * {@value #LOGGER} whose fields carry the same facts, so every line a pod writes is JSON.
 */
public final class ChangeLine implements EmbeddedPresenceStore.Listener {

    /** The logger of the change events in JSON mode. */
    public static final String LOGGER = "io.presencesync.changes";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final DateTimeFormatter DAY_AND_TIME = DateTimeFormatter.ofPattern("EEE d MMM HH:mm", Locale.ENGLISH);

    private final PrintStream out;
    private final Logger log;
    private final Clock clock;
    private final ZoneId zone;

    private ChangeLine(PrintStream out, Logger log, Clock clock, ZoneId zone) {
        this.out = out;
        this.log = log;
        this.clock = clock;
        this.zone = zone;
    }

    /** Lines of text on {@code out}, times in {@code zone}. */
    public static ChangeLine text(PrintStream out, Clock clock, ZoneId zone) {
        return new ChangeLine(out, null, clock, zone);
    }

    /** Log events of {@value #LOGGER}. */
    public static ChangeLine logEvents(Clock clock, ZoneId zone) {
        return new ChangeLine(null, LoggerFactory.getLogger(LOGGER), clock, zone);
    }

    @Override
    public void changed(String tenant, User user, EmbeddedPresenceStore.Entry before, EmbeddedPresenceStore.Entry after) {
        EffectivePresence was = before == null ? null : before.effective();
        EffectivePresence now = after.effective();
        if (was != null && was.equals(now)) return;
        // A user first seen without any event shows nothing new.
        if (was == null && now.event() == null) return;
        if (out != null) {
            out.println(TIME.format(clock.instant().atZone(zone)) + "  " + format(user, was, now, after, true));
            return;
        }
        EventPresence event = now.event();
        log.atInfo().addKeyValue("tenant", tenant).addKeyValue("user", user.address())
                .addKeyValue("from", was == null ? null : was.state().name()).addKeyValue("to", now.state().name())
                .addKeyValue("reason", event == null ? null : event.reason().name())
                .addKeyValue("since", event == null ? null : event.since().toString())
                .addKeyValue("until", event == null || event.until() == null ? null : event.until().toString())
                .log(format(user, was, now, after, false));
    }

    /** The change in words; {@code aligned} pads the user and the old state into columns. */
    String format(User user, EffectivePresence was, EffectivePresence now, EmbeddedPresenceStore.Entry entry, boolean aligned) {
        String from = was == null ? "-" : was.state().name();
        StringBuilder line = new StringBuilder()
                .append(aligned ? String.format("%-34s %-13s", user.address(), from) : user.address() + " " + from)
                .append(" → ").append(now.state().name());
        EventPresence event = now.event();
        if (event != null) {
            line.append(aligned ? "  " : " ").append(describe(event.reason())).append(" (").append(event.reason()).append(')');
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
