package io.presencesync.adapter.xmpp;

import io.presencesync.domain.EffectivePresence;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.Profile;
import io.presencesync.domain.Reason;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.PresenceBuilder;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jxmpp.jid.Jid;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * An effective presence as an XMPP presence stanza: the source document's six states on XMPP's
 * show values, and a status text made only of the state, the event's reason and its end, or the
 * profile's note while the manual presence applies. Nothing of an appointment (subject, location)
 * exists here to leak, and an event presence carries no profile ({@link EffectivePresence}).
 */
final class PresenceStanzas {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter DAY_TIME = DateTimeFormatter.ofPattern("EEE d MMM HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE d MMM", Locale.ENGLISH);

    private final ZoneId zone;

    /** @param zone the zone of the times in status texts */
    PresenceStanzas(ZoneId zone) { this.zone = zone; }

    /** The presence {@code from} shows {@code to}, as of {@code now}. */
    Presence presence(EffectivePresence shown, Jid from, Jid to, Instant now) {
        PresenceBuilder b = StanzaBuilder.buildPresence().from(from).to(to);
        switch (shown.state()) {
            case NOT_AVAILABLE -> {
                return b.ofType(Presence.Type.unavailable).build();
            }
            case AVAILABLE -> b.setMode(Presence.Mode.available);
            case BUSY, DO_NOT_DISTURB -> b.setMode(Presence.Mode.dnd);
            case AWAY, INACTIVE -> b.setMode(isOutOfOffice(shown.event()) ? Presence.Mode.xa : Presence.Mode.away);
        }
        String status = status(shown, now);
        if (status != null) b.setStatus(status);
        return b.build();
    }

    /** The status text, or null when the show value says it all. */
    String status(EffectivePresence shown, Instant now) {
        EventPresence event = shown.event();
        if (event != null) return eventText(event, now);
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

    private String eventText(EventPresence event, Instant now) {
        Reason reason = event.reason();
        String what = switch (reason) {
            case CALL -> "In a call";
            case CALENDAR_BUSY -> "In a meeting";
            case CALENDAR_TENTATIVE -> "Tentatively in a meeting";
            case CALENDAR_WORKING_ELSEWHERE -> "Working elsewhere";
            case CALENDAR_OOF, AUTO_REPLY -> "Out of office";
        };
        if (event.until() == null) return what;
        ZonedDateTime end = event.until().atZone(zone);
        // Whole days away end at midnight: the day they are back says it without an off-by-one.
        if (isOutOfOffice(event) && end.toLocalTime().equals(LocalTime.MIDNIGHT)) return what + ", back " + DATE.format(end);
        return what + " until " + endTime(event.until(), now);
    }

    private String endTime(Instant until, Instant now) {
        ZonedDateTime end = until.atZone(zone);
        return end.toLocalDate().equals(now.atZone(zone).toLocalDate()) ? TIME.format(end) : DAY_TIME.format(end);
    }

    private static boolean isOutOfOffice(EventPresence event) {
        return event != null && (event.reason() == Reason.CALENDAR_OOF || event.reason() == Reason.AUTO_REPLY);
    }
}
