package io.presencesync.adapter.xmpp;

import io.presencesync.domain.EffectivePresence;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.ManualPresence;
import io.presencesync.domain.PresenceState;
import io.presencesync.domain.Profile;
import io.presencesync.domain.Reason;
import org.jivesoftware.smack.packet.Presence;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;

class PresenceStanzasTest {

    private static final Instant NINE_BERLIN = Instant.parse("2026-11-30T08:00:00Z");
    private static final Jid ANNA = JidCreate.bareFromOrThrowUnchecked("anna.schmidt@presence.contoso.com");
    private static final Jid BOB = JidCreate.bareFromOrThrowUnchecked("bob@contoso.com");
    private static final Profile FORWARDING = new Profile("until 2026-11-30T16:00:00Z", "mobile", "Working from home", "+49 170 1234567");
    private final PresenceStanzas stanzas = new PresenceStanzas(ZoneId.of("Europe/Berlin"));

    @Test
    void availableShowsNothingButBeingThere() {
        Presence p = shown(manual(PresenceState.AVAILABLE, null), null);
        assertThat(p.getType()).isEqualTo(Presence.Type.available);
        assertThat(p.getMode()).isEqualTo(Presence.Mode.available);
        assertThat(p.getStatus()).isNull();
        assertThat(p.toXML().toString()).doesNotContain("<show");
    }

    @Test
    void aMeetingIsDoNotDisturbWithItsEndAndNeverItsSubject() {
        Presence p = shown(manual(PresenceState.AVAILABLE, FORWARDING),
                new EventPresence(Reason.CALENDAR_BUSY, NINE_BERLIN, NINE_BERLIN.plus(Duration.ofHours(3))));
        assertThat(p.getMode()).isEqualTo(Presence.Mode.dnd);
        assertThat(p.getStatus()).isEqualTo("In a meeting until 12:00");
    }

    @Test
    void aMeetingEndingAnotherDayNamesTheDay() {
        Presence p = shown(null, new EventPresence(Reason.CALENDAR_BUSY, NINE_BERLIN, Instant.parse("2026-12-01T10:00:00Z")));
        assertThat(p.getStatus()).isEqualTo("In a meeting until Tue 1 Dec 11:00");
    }

    @Test
    void aCallIsDoNotDisturbInACall() {
        Presence p = shown(manual(PresenceState.AVAILABLE, null), new EventPresence(Reason.CALL, NINE_BERLIN, null));
        assertThat(p.getMode()).isEqualTo(Presence.Mode.dnd);
        assertThat(p.getStatus()).isEqualTo("In a call");
    }

    @Test
    void outOfOfficeIsExtendedAwayWithTheDayOfReturn() {
        Presence p = shown(null, new EventPresence(Reason.CALENDAR_OOF, NINE_BERLIN, Instant.parse("2026-12-02T23:00:00Z")));
        assertThat(p.getMode()).isEqualTo(Presence.Mode.xa);
        assertThat(p.getStatus()).isEqualTo("Out of office, back Thu 3 Dec");
        Presence autoReply = shown(null, new EventPresence(Reason.AUTO_REPLY, NINE_BERLIN, null));
        assertThat(autoReply.getMode()).isEqualTo(Presence.Mode.xa);
        assertThat(autoReply.getStatus()).isEqualTo("Out of office");
    }

    @Test
    void manualPresencesMapToTheirShowValues() {
        assertThat(shown(manual(PresenceState.BUSY, null), null)).extracting(Presence::getMode, Presence::getStatus)
                .containsExactly(Presence.Mode.dnd, "Busy");
        assertThat(shown(manual(PresenceState.DO_NOT_DISTURB, null), null)).extracting(Presence::getMode, Presence::getStatus)
                .containsExactly(Presence.Mode.dnd, "Do not disturb");
        assertThat(shown(manual(PresenceState.AWAY, null), null)).extracting(Presence::getMode, Presence::getStatus)
                .containsExactly(Presence.Mode.away, null);
    }

    @Test
    void inactiveIsAway() {
        Presence p = stanzas.presence(new EffectivePresence(PresenceState.INACTIVE, null, null), ANNA, BOB, NINE_BERLIN);
        assertThat(p.getMode()).isEqualTo(Presence.Mode.away);
        assertThat(p.getStatus()).isEqualTo("Inactive");
    }

    @Test
    void notAvailableIsUnavailable() {
        Presence p = shown(null, null);
        assertThat(p.getType()).isEqualTo(Presence.Type.unavailable);
        assertThat(p.getStatus()).isNull();
    }

    @Test
    void theProfilesNoteShowsWhileTheManualPresenceAppliesAndNeverItsForwarding() {
        Presence p = shown(manual(PresenceState.AVAILABLE, FORWARDING), null);
        assertThat(p.getStatus()).isEqualTo("Working from home");
        assertThat(p.toXML().toString()).doesNotContain("+49").doesNotContain("mobile");
    }

    @Test
    void theProfilesNoteNeverShowsWhileAnEventPresenceApplies() {
        Presence p = shown(manual(PresenceState.AVAILABLE, FORWARDING), new EventPresence(Reason.CALL, NINE_BERLIN, null));
        assertThat(p.toXML().toString()).doesNotContain("Working from home").doesNotContain("+49");
    }

    @Test
    void aManualDoNotDisturbWithANoteIsNeverDowngradedByAMeeting() {
        Presence p = shown(new ManualPresence(PresenceState.DO_NOT_DISTURB, new Profile(null, null, "Writing the budget", null), NINE_BERLIN.minusSeconds(60)),
                new EventPresence(Reason.CALENDAR_BUSY, NINE_BERLIN, NINE_BERLIN.plus(Duration.ofHours(1))));
        assertThat(p).extracting(Presence::getMode, Presence::getStatus).containsExactly(Presence.Mode.dnd, "Writing the budget");
    }

    @Test
    void theStanzaIsAddressedFromTheContactToTheSubscriberInTheStreamsNamespace() {
        String xml = shown(manual(PresenceState.AWAY, null), null).toXML(org.jivesoftware.smack.packet.XmlEnvironment.builder()
                .withNamespace("jabber:client").build()).toString();
        assertThat(xml).contains("from='anna.schmidt@presence.contoso.com'").contains("to='bob@contoso.com'").doesNotContain("xmlns=");
    }

    private Presence shown(ManualPresence manual, EventPresence event) {
        return stanzas.presence(EffectivePresence.of(manual, event), ANNA, BOB, NINE_BERLIN);
    }

    private static ManualPresence manual(PresenceState state, Profile profile) {
        return new ManualPresence(state, profile, NINE_BERLIN.minus(Duration.ofDays(1)));
    }
}
