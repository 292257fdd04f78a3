package io.presencesync.adapter.graph;

import com.microsoft.graph.models.DateTimeTimeZone;
import org.junit.jupiter.api.Test;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GraphTimeTest {

    @Test
    void graphsSevenFractionDigitsInUtcAreRead() {
        assertThat(GraphTime.instant("2026-11-30T09:00:00.0000000", "UTC")).isEqualTo(Instant.parse("2026-11-30T09:00:00Z"));
    }

    @Test
    void anAllDayAppointmentInABerlinMailboxStartsAtBerlinMidnightNotUtcMidnight() {
        Instant windows = GraphTime.instant("2026-11-30T00:00:00.0000000", "W. Europe Standard Time");
        Instant iana = GraphTime.instant("2026-11-30T00:00:00.0000000", "Europe/Berlin");
        assertThat(windows).isEqualTo(iana).isEqualTo(Instant.parse("2026-11-29T23:00:00Z"));
    }

    @Test
    void windowsZoneNamesFollowDaylightSavingTime() {
        assertThat(GraphTime.instant("2026-07-01T00:00:00", "W. Europe Standard Time")).isEqualTo(Instant.parse("2026-06-30T22:00:00Z"));
        assertThat(GraphTime.zone("Pacific Standard Time")).isEqualTo(ZoneId.of("America/Los_Angeles"));
        assertThat(GraphTime.zone("Tokyo Standard Time")).isEqualTo(ZoneId.of("Asia/Tokyo"));
    }

    @Test
    void noZoneOrUtcInAnyCaseIsUtc() {
        assertThat(GraphTime.zone(null)).isEqualTo(ZoneOffset.UTC);
        assertThat(GraphTime.zone(" ")).isEqualTo(ZoneOffset.UTC);
        assertThat(GraphTime.zone("utc")).isEqualTo(ZoneOffset.UTC);
        assertThat(GraphTime.instant("2026-11-30T09:00:00", null)).isEqualTo(Instant.parse("2026-11-30T09:00:00Z"));
    }

    @Test
    void aMailboxZoneIsNamedTheWindowsWayAndReadBackToTheSameZone() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        assertThat(GraphTime.windowsName(berlin)).isEqualTo("W. Europe Standard Time");
        assertThat(GraphTime.zone(GraphTime.windowsName(berlin)).getRules()).isEqualTo(berlin.getRules());
        assertThat(GraphTime.windowsName(ZoneId.of("Antarctica/Troll"))).as("no Windows name: the IANA id").isEqualTo("Antarctica/Troll");
    }

    @Test
    void anUnknownZoneIsAClearError() {
        assertThatThrownBy(() -> GraphTime.zone("Atlantis Standard Time"))
                .isInstanceOf(DateTimeException.class).hasMessage("unknown time zone 'Atlantis Standard Time'");
    }

    @Test
    void requestTimesAreSentInUtc() {
        DateTimeTimeZone d = GraphTime.utc(Instant.parse("2026-11-30T09:00:00Z"));
        assertThat(d.getTimeZone()).isEqualTo("UTC");
        assertThat(d.getDateTime()).isEqualTo("2026-11-30T09:00:00");
    }
}
