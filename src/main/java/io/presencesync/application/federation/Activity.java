package io.presencesync.application.federation;

import io.presencesync.domain.EventPresence;

import java.util.List;

/**
 * What a user is doing, as federated presence formats name it (RPID's activities, RFC 4480): the
 * generic one first, because many clients read only the first, then the specific one if any.
 */
public enum Activity {
    BUSY, AWAY, MEETING, ON_THE_PHONE;

    /** The activities of an active event presence: its state, then the meeting or the call it stands for. */
    public static List<Activity> of(EventPresence event) {
        Activity generic = switch (event.state()) {
            case BUSY -> BUSY;
            case AWAY -> AWAY;
            case NONE -> throw new IllegalArgumentException("NONE has no activities: its publication is removed");
        };
        return switch (event.reason()) {
            case CALL -> List.of(generic, ON_THE_PHONE);
            // A meeting is one while the user shows busy in it; a tentative one mapped to AWAY is just away.
            case CALENDAR_BUSY, CALENDAR_TENTATIVE -> generic == BUSY ? List.of(generic, MEETING) : List.of(generic);
            case CALENDAR_WORKING_ELSEWHERE, CALENDAR_OOF, AUTO_REPLY -> List.of(generic);
        };
    }
}
