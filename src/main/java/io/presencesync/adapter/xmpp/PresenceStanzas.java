package io.presencesync.adapter.xmpp;

import io.presencesync.application.federation.EventText;
import io.presencesync.domain.EffectivePresence;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.Profile;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.PresenceBuilder;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jxmpp.jid.Jid;

import java.time.Instant;
import java.time.ZoneId;

/**
 * An effective presence as an XMPP presence stanza: the source document's six states on XMPP's
 * show values, and a status text made only of the state, the event's reason and its end, or the
 * profile's note while the manual presence applies. Nothing of an appointment (subject, location)
 * exists here to leak, and an event presence carries no profile ({@link EffectivePresence}).
 */
final class PresenceStanzas {

    private final EventText eventText;

    /** @param zone the zone of the times in status texts */
    PresenceStanzas(ZoneId zone) { this.eventText = new EventText(EventText.Language.EN, zone); }

    /** The presence {@code from} shows {@code to}, as of {@code now}. */
    Presence presence(EffectivePresence shown, Jid from, Jid to, Instant now) {
        PresenceBuilder b = StanzaBuilder.buildPresence().from(from).to(to);
        switch (shown.state()) {
            case NOT_AVAILABLE -> {
                return b.ofType(Presence.Type.unavailable).build();
            }
            case AVAILABLE -> b.setMode(Presence.Mode.available);
            case BUSY, DO_NOT_DISTURB -> b.setMode(Presence.Mode.dnd);
            case AWAY, INACTIVE -> b.setMode(EventText.isOutOfOffice(shown.event()) ? Presence.Mode.xa : Presence.Mode.away);
        }
        String status = status(shown, now);
        if (status != null) b.setStatus(status);
        return b.build();
    }

    /** The status text, or null when the show value says it all. */
    String status(EffectivePresence shown, Instant now) {
        EventPresence event = shown.event();
        if (event != null) return eventText.of(event, now);
        Profile profile = shown.profile();
        if (profile != null && profile.note() != null) return profile.note();
        return switch (shown.state()) {
            // dnd stands for both: the text tells them apart.
            case BUSY -> "Busy";
            case DO_NOT_DISTURB -> "Do not disturb";
            case INACTIVE -> "Inactive";
            default -> null;
        };
    }
}
