package io.presencesync.adapter.graph;

import com.microsoft.graph.models.DateTimeTimeZone;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** Graph's dateTime + timeZone pairs to instants and back. */
final class GraphTime {

    private GraphTime() {}

    /** A fresh object for every request body: SDK models must never be reused (see NOTES.md). */
    static DateTimeTimeZone utc(Instant instant) {
        DateTimeTimeZone d = new DateTimeTimeZone();
        d.setDateTime(LocalDateTime.ofInstant(instant, ZoneOffset.UTC).toString());
        d.setTimeZone("UTC");
        return d;
    }

    static Instant instant(DateTimeTimeZone d) {
        if (d == null || d.getDateTime() == null) throw new DateTimeException("missing dateTime");
        String zone = d.getTimeZone() == null ? "UTC" : d.getTimeZone();
        return LocalDateTime.parse(d.getDateTime()).atZone(ZoneId.of(zone, ZoneId.SHORT_IDS)).toInstant();
    }
}
