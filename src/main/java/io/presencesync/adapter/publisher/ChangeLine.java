package io.presencesync.adapter.publisher;

import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.Reason;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Prints each presence change as one readable line: time, user, old → new, reason, until. */
public final class ChangeLine implements EmbeddedPresenceStore.Listener {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

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
                .append(time(clock.instant())).append("  ")
                .append(String.format("%-34s", after.user().address())).append(' ')
                .append(String.format("%-5s", before == null ? "-" : state(before.presence()))).append(" → ")
                .append(String.format("%-5s", state(now)));
        if (!now.isNone()) line.append("  ").append(describe(now.reason())).append(" (").append(now.reason()).append(')');
        if (!now.isNone() && now.since().isBefore(clock.instant().minusSeconds(1))) line.append(", since ").append(time(now.since()));
        if (now.until() != null) line.append(", until ").append(time(now.until()));
        return line.toString();
    }

    private static String state(EventPresence p) { return p.isNone() ? "none" : p.state().name(); }

    private String time(Instant t) { return TIME.format(t.atZone(zone)); }

    static String describe(Reason reason) {
        return switch (reason) {
            case CALENDAR_BUSY -> "in a meeting";
            case CALENDAR_TENTATIVE -> "tentative meeting";
            case CALENDAR_OOF -> "out of office";
            case AUTO_REPLY -> "automatic replies on";
            case CALL -> "in a call";
        };
    }
}
