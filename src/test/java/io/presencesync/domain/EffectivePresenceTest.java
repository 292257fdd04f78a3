package io.presencesync.domain;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store's merge of manual presences (with profiles) and event presences, as PRODUCT.md fixes it. */
class EffectivePresenceTest {

    static final Instant EIGHT = Instant.parse("2026-11-30T08:00:00Z");
    static final Instant NINE = Instant.parse("2026-11-30T09:00:00Z");
    static final Instant TEN = Instant.parse("2026-11-30T10:00:00Z");
    static final Profile FORWARD_TO_MOBILE = new Profile("until 17:00", "mobile only", "Working from home", "+49 170 1234567");

    static ManualPresence manual(PresenceState state, Profile profile, Instant at) { return new ManualPresence(state, profile, at); }

    @Test
    void aMeetingReplacesTheManualPresenceAndSuspendsItsCallForwarding() {
        EffectivePresence p = EffectivePresence.of(manual(PresenceState.AVAILABLE, FORWARD_TO_MOBILE, EIGHT),
                new EventPresence(Reason.CALENDAR_BUSY, NINE, TEN));
        assertThat(p.state()).isEqualTo(PresenceState.BUSY);
        assertThat(p.profile()).as("no forwarding, note or duration from the profile during an event").isNull();
        assertThat(p.event().reason()).isEqualTo(Reason.CALENDAR_BUSY);
    }

    @Test
    void aCallDuringAnAwayProfileIsBusyWithoutTheProfile() {
        EffectivePresence p = EffectivePresence.of(manual(PresenceState.AWAY, FORWARD_TO_MOBILE, EIGHT),
                new EventPresence(Reason.CALL, NINE, null));
        assertThat(p.state()).isEqualTo(PresenceState.BUSY);
        assertThat(p.profile()).isNull();
    }

    @Test
    void theProfileAppliesAgainWhenTheEventEnds() {
        EffectivePresence p = EffectivePresence.of(manual(PresenceState.AVAILABLE, FORWARD_TO_MOBILE, EIGHT), EventPresence.none(TEN, null));
        assertThat(p.state()).isEqualTo(PresenceState.AVAILABLE);
        assertThat(p.profile()).isEqualTo(FORWARD_TO_MOBILE);
    }

    @Test
    void doNotDisturbIsNeverDowngradedByAnEvent() {
        EffectivePresence p = EffectivePresence.of(manual(PresenceState.DO_NOT_DISTURB, null, EIGHT),
                new EventPresence(Reason.CALENDAR_OOF, NINE, TEN));
        assertThat(p.state()).isEqualTo(PresenceState.DO_NOT_DISTURB);
    }

    @Test
    void aManualChoiceMadeDuringAnEventWinsUntilTheNextTransition() {
        EventPresence meeting = new EventPresence(Reason.CALENDAR_BUSY, NINE, TEN);
        ManualPresence chosenInTheMeeting = manual(PresenceState.AVAILABLE, FORWARD_TO_MOBILE, NINE.plusSeconds(600));
        assertThat(EffectivePresence.of(chosenInTheMeeting, meeting).state()).isEqualTo(PresenceState.AVAILABLE);
        assertThat(EffectivePresence.of(chosenInTheMeeting, meeting).profile()).isEqualTo(FORWARD_TO_MOBILE);
        EventPresence nextMeeting = new EventPresence(Reason.CALENDAR_BUSY, TEN, TEN.plusSeconds(1800));
        assertThat(EffectivePresence.of(chosenInTheMeeting, nextMeeting).state()).isEqualTo(PresenceState.BUSY);
    }

    @Test
    void aUserWithNoInformationIsNotAvailable() {
        assertThat(EffectivePresence.of(null, null).state()).isEqualTo(PresenceState.NOT_AVAILABLE);
        assertThat(EffectivePresence.of(null, EventPresence.none(NINE, null)).state()).isEqualTo(PresenceState.NOT_AVAILABLE);
        assertThat(EffectivePresence.of(null, new EventPresence(Reason.AUTO_REPLY, NINE, null)).state()).isEqualTo(PresenceState.AWAY);
    }

    @Test
    void automaticPresencesCannotBeChosenAndAnEventCannotCarryAProfile() {
        assertThatThrownBy(() -> manual(PresenceState.INACTIVE, null, EIGHT)).hasMessage("INACTIVE cannot be chosen manually");
        assertThatThrownBy(() -> new EffectivePresence(PresenceState.BUSY, FORWARD_TO_MOBILE, new EventPresence(Reason.CALL, NINE, null)))
                .hasMessage("an event presence applies no profile");
    }
}
