package io.presencesync.adapter.web;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How explanations show an instant: in the mailbox's time zone and in UTC (the page and the {@code explain} command alike). */
public final class ExplainTime {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("EEE d MMM HH:mm:ss", Locale.ENGLISH);
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    private ExplainTime() {}

    /** E.g. "Mon 30 Nov 10:00:00 Europe/Berlin (Mon 30 Nov 09:00:00 UTC)"; UTC only when the zone is unknown or UTC. */
    public static String both(Instant at, ZoneId zone) {
        if (at == null) return "never";
        String utc = TIME.format(at.atZone(ZoneOffset.UTC)) + " UTC";
        if (zone == null || zone.normalized().equals(ZoneOffset.UTC)) return utc;
        return TIME.format(at.atZone(zone)) + " " + zone.getId() + " (" + utc + ")";
    }

    /** The instant in the mailbox zone with its offset (ISO 8601); null without a zone or an instant. */
    public static String local(Instant at, ZoneId zone) {
        return at == null || zone == null ? null : LOCAL.format(at.atZone(zone));
    }
}
