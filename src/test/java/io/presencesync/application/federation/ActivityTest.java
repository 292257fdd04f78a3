package io.presencesync.application.federation;

import io.presencesync.domain.EventPresence;
import io.presencesync.domain.EventState;
import io.presencesync.domain.Reason;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static io.presencesync.application.federation.Activity.AWAY;
import static io.presencesync.application.federation.Activity.BUSY;
import static io.presencesync.application.federation.Activity.MEETING;
import static io.presencesync.application.federation.Activity.ON_THE_PHONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ActivityTest {

    static final Instant T = Instant.parse("2026-12-07T10:00:00Z");

    @Test
    void theGenericActivityComesFirstThenWhatTheEventIs() {
        assertThat(Activity.of(new EventPresence(Reason.CALENDAR_BUSY, T, null))).containsExactly(BUSY, MEETING);
        assertThat(Activity.of(new EventPresence(Reason.CALL, T, null))).containsExactly(BUSY, ON_THE_PHONE);
        assertThat(Activity.of(new EventPresence(Reason.CALENDAR_OOF, T, null))).containsExactly(AWAY);
        assertThat(Activity.of(new EventPresence(Reason.AUTO_REPLY, T, null))).containsExactly(AWAY);
    }

    @Test
    void theMappedStateDecidesTheGenericActivity() {
        assertThat(Activity.of(new EventPresence(EventState.BUSY, Reason.CALENDAR_TENTATIVE, T, null))).containsExactly(BUSY, MEETING);
        assertThat(Activity.of(new EventPresence(EventState.AWAY, Reason.CALENDAR_TENTATIVE, T, null))).containsExactly(AWAY);
        assertThat(Activity.of(new EventPresence(EventState.BUSY, Reason.CALENDAR_WORKING_ELSEWHERE, T, null))).containsExactly(BUSY);
    }

    @Test
    void noneHasNoActivityBecauseItsPublicationIsRemoved() {
        assertThatThrownBy(() -> Activity.of(EventPresence.none(T, null))).isInstanceOf(IllegalArgumentException.class);
    }
}
