package io.presencesync.application.federation;

import io.presencesync.domain.EventPresence;
import io.presencesync.domain.Reason;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;

/**
 * The short text a federated presence carries for an event presence ("In a meeting until 12:00"),
 * made only of the event's reason and its end: nothing of an appointment (subject, location) exists
 * here to leak. One text for every protocol: the XMPP status and the SIP note.
 */
public final class EventText {

    /** The languages texts are written in. */
    public enum Language { EN, DE }

    private final Language language;
    private final ZoneId zone;
    private final DateTimeFormatter time;
    private final DateTimeFormatter dayTime;
    private final DateTimeFormatter date;

    /** @param zone the zone of the times in the texts */
    public EventText(Language language, ZoneId zone) {
        this.language = Objects.requireNonNull(language, "language");
        this.zone = Objects.requireNonNull(zone, "zone");
        Locale locale = language == Language.DE ? Locale.GERMAN : Locale.ENGLISH;
        this.time = DateTimeFormatter.ofPattern("HH:mm", locale);
        this.dayTime = DateTimeFormatter.ofPattern(language == Language.DE ? "EEE d. MMM HH:mm" : "EEE d MMM HH:mm", locale);
        this.date = DateTimeFormatter.ofPattern(language == Language.DE ? "EEE d. MMM" : "EEE d MMM", locale);
    }

    /** The text for an active event presence as of {@code now}; the end's day is named unless it is today. */
    public String of(EventPresence event, Instant now) {
        if (event.isNone()) throw new IllegalArgumentException("NONE has no text: nothing is shown for it");
        String what = what(event.reason());
        if (event.until() == null) return what;
        ZonedDateTime end = event.until().atZone(zone);
        // Whole days away end at midnight: the day they are back says it without an off-by-one.
        if (isOutOfOffice(event) && end.toLocalTime().equals(LocalTime.MIDNIGHT)) {
            return what + (language == Language.DE ? ", zurück am " : ", back ") + date.format(end);
        }
        String endText = end.toLocalDate().equals(now.atZone(zone).toLocalDate()) ? time.format(end) : dayTime.format(end);
        return what + (language == Language.DE ? " bis " : " until ") + endText;
    }

    /** Out of office or automatic replies: the reasons a federated presence shows as being away for a while. */
    public static boolean isOutOfOffice(EventPresence event) {
        return event != null && (event.reason() == Reason.CALENDAR_OOF || event.reason() == Reason.AUTO_REPLY);
    }

    private String what(Reason reason) {
        if (language == Language.DE) {
            return switch (reason) {
                case CALL -> "Im Gespräch";
                case CALENDAR_BUSY -> "In einer Besprechung";
                case CALENDAR_TENTATIVE -> "Vorbehaltlich in einer Besprechung";
                case CALENDAR_WORKING_ELSEWHERE -> "An anderem Ort tätig";
                case CALENDAR_OOF, AUTO_REPLY -> "Abwesend";
            };
        }
        return switch (reason) {
            case CALL -> "In a call";
            case CALENDAR_BUSY -> "In a meeting";
            case CALENDAR_TENTATIVE -> "Tentatively in a meeting";
            case CALENDAR_WORKING_ELSEWHERE -> "Working elsewhere";
            case CALENDAR_OOF, AUTO_REPLY -> "Out of office";
        };
    }
}
