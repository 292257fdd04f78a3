package io.presencesync.adapter.graph;

import com.microsoft.graph.models.DateTimeTimeZone;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Graph's dateTime + timeZone pairs to instants and back; zones may be IANA or Windows names. */
final class GraphTime {

    private static final Map<String, ZoneId> ZONES = new ConcurrentHashMap<>();
    private static final DateTimeFormatter REQUEST_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private GraphTime() {}

    /** A fresh object for every request body: SDK models must never be reused (see NOTES.md). */
    static DateTimeTimeZone utc(Instant instant) {
        DateTimeTimeZone d = new DateTimeTimeZone();
        d.setDateTime(REQUEST_TIME.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC)));
        d.setTimeZone("UTC");
        return d;
    }

    /** An all-day appointment's midnight in a Berlin mailbox is 23:00 UTC the day before: the zone decides. */
    static Instant instant(String dateTime, String timeZone) {
        if (dateTime == null) throw new DateTimeException("missing dateTime");
        return LocalDateTime.parse(dateTime).atZone(zone(timeZone)).toInstant();
    }

    /** "UTC", an IANA id ("Europe/Berlin") or a Windows name ("W. Europe Standard Time"). */
    static ZoneId zone(String name) {
        if (name == null || name.isBlank()) return ZoneOffset.UTC;
        ZoneId known = ZONES.get(name);
        if (known != null) return known;
        ZoneId resolved = resolve(name);
        ZONES.put(name, resolved);
        return resolved;
    }

    private static ZoneId resolve(String name) {
        try {
            return ZoneId.of(name, ZoneId.SHORT_IDS);
        } catch (DateTimeException notIana) {
            String iana = com.ibm.icu.util.TimeZone.getIDForWindowsID(name, null);
            if (iana == null) throw new DateTimeException("unknown time zone '" + name + "'");
            return ZoneId.of(iana);
        }
    }
}
