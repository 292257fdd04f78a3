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

/**
 * Graph's dateTime + timeZone pairs to instants and back, and the one resolver of Graph's time zone
 * names (IANA or Windows): the service reads answers with it, the demo's Graph simulator requests.
 */
public final class GraphTime {

    private static final Map<String, ZoneId> ZONES = new ConcurrentHashMap<>();
    private static final DateTimeFormatter REQUEST_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private GraphTime() {}

    /**
     * A fresh object for every request body: SDK models keep a backing store that, once serialised,
     * sends only changed values, so a reused one would go out as {@code "StartTime":{}}.
     */
    static DateTimeTimeZone utc(Instant instant) {
        DateTimeTimeZone d = new DateTimeTimeZone();
        d.setDateTime(REQUEST_TIME.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC)));
        d.setTimeZone("UTC");
        return d;
    }

    /**
     * A local date-time ({@code 2026-11-30T00:00:00.0000000}) in the zone {@link #zone named}. An
     * all-day appointment's midnight in a Berlin mailbox is 23:00 UTC the day before: the zone decides.
     *
     * @throws DateTimeException when the date-time is missing or unreadable, or the zone unknown
     */
    public static Instant instant(String dateTime, String timeZone) {
        if (dateTime == null) throw new DateTimeException("missing dateTime");
        return LocalDateTime.parse(dateTime).atZone(zone(timeZone)).toInstant();
    }

    /**
     * "UTC" (in any case; none means UTC too), an IANA id ("Europe/Berlin"), one of Java's short ids
     * ("PST") or a Windows name ("W. Europe Standard Time"), as Graph accepts and sends them.
     *
     * @throws DateTimeException for a name that is none of these
     */
    public static ZoneId zone(String name) {
        if (name == null || name.isBlank() || name.equalsIgnoreCase("UTC")) return ZoneOffset.UTC;
        ZoneId known = ZONES.get(name);
        if (known != null) return known;
        ZoneId resolved = resolve(name);
        ZONES.put(name, resolved);
        return resolved;
    }

    /** The Windows name of {@code zone}, as Exchange reports a mailbox's zone, else its IANA id. */
    public static String windowsName(ZoneId zone) {
        String windows = com.ibm.icu.util.TimeZone.getWindowsID(zone.getId());
        return windows != null ? windows : zone.getId();
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
