package io.presencesync.domain;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;

/**
 * One appointment as free/busy sees it: when and how it shows. Deliberately holds no subject,
 * location or body, so they can never be used, published or logged.
 */
public record FreeBusyItem(Instant start, Instant end, FreeBusyStatus status) implements EventInput {
    public FreeBusyItem {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(status, "status");
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("appointment ends " + end + " before it starts " + start);
        }
    }

    /**
     * Whether the item covers whole local days of {@code zone} (the mailbox's): getSchedule does not
     * say, but an all-day appointment starts and ends at the mailbox's midnight, so this tells it.
     */
    public boolean allDayIn(ZoneId zone) {
        if (zone == null || !end.isAfter(start)) return false;
        ZonedDateTime from = start.atZone(zone);
        ZonedDateTime to = end.atZone(zone);
        // Whole days, also across a DST change (a 23- or 25-hour day), and where a day begins at 01:00
        // because the clocks skip midnight: the start of one local day to the start of a later one.
        return start.equals(from.toLocalDate().atStartOfDay(zone).toInstant()) && end.equals(to.toLocalDate().atStartOfDay(zone).toInstant())
                && to.toLocalDate().isAfter(from.toLocalDate());
    }
}
