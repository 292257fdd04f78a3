package io.presencesync.application;

import io.presencesync.domain.AutoReplies;
import io.presencesync.domain.CallState;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.User;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A copy of what a sync unit holds for one user, taken for an explanation: the inputs of the rules
 * as last read, and what was last handed to the publishers. Immutable, so it can leave the unit's run.
 *
 * @param calendarReadAt when the calendar was last answered for (or refused); null before the first answer
 * @param windowStart    the earliest instant the calendar read speaks for
 * @param calendarError  the calendar source's last definitive error for the user (code: message), or null
 * @param mailboxZone    the mailbox's time zone as the calendar last named it, or null
 * @param call           the Teams activity as last seen (also when no longer fresh), or null
 * @param autoReplies    automatic replies as last seen on, or null
 * @param callStateSeenAt when the call state was last read, or null
 * @param published      what the sync last handed to the publishers, or null
 * @param version        its version (0 before any)
 * @param publishFailing the publishers refused the last hand-over; it is retried every second
 */
public record UserInputs(User user, Instant calendarReadAt, Instant windowStart, List<FreeBusyItem> items, String calendarError,
                         ZoneId mailboxZone, CallState call, AutoReplies autoReplies, Instant callStateSeenAt,
                         EventPresence published, long version, boolean publishFailing) {

    public UserInputs {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(windowStart, "windowStart");
        items = List.copyOf(items);
    }

    /** The user's inputs in a unit's state, by object id or address; empty when the unit does not hold them (yet). */
    public static Optional<UserInputs> of(UnitState state, String idOrAddress) {
        for (UnitState.UserSlot slot : state.slots.values()) {
            if (slot.left || !UnitMembers.names(slot.user, idOrAddress)) continue;
            return Optional.of(new UserInputs(slot.user, slot.calendarKnown ? slot.windowStart.plus(UnitSync.LOOK_BACK) : null,
                    slot.windowStart, slot.items, slot.calendarError, slot.mailboxZone, slot.call, slot.autoReplies, slot.presenceSeenAt,
                    slot.published, slot.version, slot.publishFailing));
        }
        return Optional.empty();
    }

    /** Whether the calendar was ever answered for: before that, the sync shows nothing for the user. */
    public boolean calendarKnown() { return calendarReadAt != null; }
}
