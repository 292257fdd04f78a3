package io.presencesync.application.federation;

import io.presencesync.domain.EventPresence;
import io.presencesync.domain.EventState;
import io.presencesync.domain.Reason;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventTextTest {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final Instant NOW = Instant.parse("2026-12-07T10:15:00Z"); // Monday, 11:15 in Berlin

    final EventText english = new EventText(EventText.Language.EN, BERLIN);
    final EventText german = new EventText(EventText.Language.DE, BERLIN);

    @Test
    void aMeetingEndingTodayNamesItsEndInTheMailboxZone() {
        EventPresence meeting = new EventPresence(Reason.CALENDAR_BUSY, NOW, Instant.parse("2026-12-07T11:00:00Z"));
        assertThat(english.of(meeting, NOW)).isEqualTo("In a meeting until 12:00");
        assertThat(german.of(meeting, NOW)).isEqualTo("In einer Besprechung bis 12:00");
    }

    @Test
    void anEndOnAnotherDayNamesTheDay() {
        EventPresence meeting = new EventPresence(Reason.CALENDAR_BUSY, NOW, Instant.parse("2026-12-08T08:30:00Z"));
        assertThat(english.of(meeting, NOW)).isEqualTo("In a meeting until Tue 8 Dec 09:30");
        assertThat(german.of(meeting, NOW)).isEqualTo("In einer Besprechung bis Di. 8. Dez. 09:30");
    }

    @Test
    void aCallHasNoEnd() {
        EventPresence call = new EventPresence(Reason.CALL, NOW, null);
        assertThat(english.of(call, NOW)).isEqualTo("In a call");
        assertThat(german.of(call, NOW)).isEqualTo("Im Gespräch");
    }

    @Test
    void wholeDaysOutOfOfficeSayTheDayTheUserIsBack() {
        EventPresence leave = new EventPresence(Reason.CALENDAR_OOF, NOW, Instant.parse("2026-12-09T23:00:00Z")); // midnight in Berlin
        assertThat(english.of(leave, NOW)).isEqualTo("Out of office, back Thu 10 Dec");
        assertThat(german.of(leave, NOW)).isEqualTo("Abwesend, zurück am Do. 10. Dez.");
        EventPresence replies = new EventPresence(Reason.AUTO_REPLY, NOW, Instant.parse("2026-12-07T15:00:00Z"));
        assertThat(english.of(replies, NOW)).isEqualTo("Out of office until 16:00");
    }

    @Test
    void tentativeAndWorkingElsewhereSaySo() {
        assertThat(english.of(new EventPresence(EventState.BUSY, Reason.CALENDAR_TENTATIVE, NOW, null), NOW)).isEqualTo("Tentatively in a meeting");
        assertThat(german.of(new EventPresence(EventState.AWAY, Reason.CALENDAR_WORKING_ELSEWHERE, NOW, null), NOW)).isEqualTo("An anderem Ort tätig");
    }

    @Test
    void noneHasNoText() {
        assertThatThrownBy(() -> english.of(EventPresence.none(NOW, null), NOW)).isInstanceOf(IllegalArgumentException.class);
    }
}
