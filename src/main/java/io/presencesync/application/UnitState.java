package io.presencesync.application;

import io.presencesync.domain.AutoReplies;
import io.presencesync.domain.CallState;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.User;

import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one sync unit remembers between runs: per user the last calendar and call state read and
 * what was last published. In clustered mode it follows the unit to whichever node runs it next, in
 * the form of {@link SavedUser}s that the persistence adapter writes in its own, versioned format.
 */
public final class UnitState {

    final Map<String, UserSlot> slots = new LinkedHashMap<>();
    /**
     * Set when the stored state could not be read: what the users were last published as is unknown,
     * so the unit's next run reads everything afresh and holds back NONE until it knows the call state.
     */
    boolean recovering;

    public UnitState() {}

    /** The state of a unit whose stored state was unreadable (corrupted, or written in a form no longer read). */
    public static UnitState unreadable() {
        UnitState state = new UnitState();
        state.recovering = true;
        return state;
    }

    /** The state as it was saved; {@code recovering}: saved before the fresh poll after an unreadable state was done. */
    public static UnitState restore(List<SavedUser> users, boolean recovering) {
        UnitState state = new UnitState();
        for (SavedUser saved : users) state.slots.put(saved.user().id(), new UserSlot(saved));
        state.recovering = recovering;
        return state;
    }

    /** Whether the fresh poll after an unreadable state is still to be done. */
    public boolean recovering() {
        return recovering;
    }

    /** What to save: every user the unit remembers, in their order. */
    public List<SavedUser> saved() {
        return slots.values().stream().map(UserSlot::saved).toList();
    }

    /**
     * One user as the unit remembers them, for the persistence adapter.
     *
     * @param left       no longer a member: kept, not polled, until the final NONE was delivered and named once more
     * @param nextChange when the user's event presence changes next (or a failed publish is retried); null: not known
     */
    public record SavedUser(User user, boolean left, Calendar calendar, Activity activity, Publication publication, Instant nextChange) {
        public SavedUser {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(calendar, "calendar");
            Objects.requireNonNull(activity, "activity");
            Objects.requireNonNull(publication, "publication");
        }
    }

    /**
     * The user's calendar as last read.
     *
     * @param known       whether it was read (or found unreadable) at least once
     * @param error       why it could not be read last time; null when it was
     * @param mailboxZone the mailbox's time zone as the calendar answer named it; null while unknown (for explanations)
     */
    public record Calendar(boolean known, Instant windowStart, List<FreeBusyItem> items, String error, ZoneId mailboxZone) {
        public Calendar {
            Objects.requireNonNull(windowStart, "windowStart");
            items = List.copyOf(items);
        }
    }

    /** The user's Teams activity and automatic replies as last polled ({@code seenAt} null: never). */
    public record Activity(CallState call, AutoReplies autoReplies, Instant seenAt) {}

    /**
     * What was last published for the user.
     *
     * @param presence      null: nothing yet
     * @param version       the version it was published with; the next one is above it
     * @param renewNone     a NONE published since the last calendar poll, to be named once more
     * @param failing       the publisher refused the last change; it is retried
     * @param noneHeldUntil after an unreadable state: no NONE before the call state is known, or this instant
     */
    public record Publication(EventPresence presence, long version, boolean renewNone, boolean failing, Instant noneHeldUntil) {}

    /** What the service knows about one user between polls. */
    static final class UserSlot {
        User user;
        boolean calendarKnown;
        Instant windowStart;
        List<FreeBusyItem> items = List.of();
        String calendarError;
        /** The mailbox's time zone as the last calendar answer named it; null while unknown. For explanations only. */
        ZoneId mailboxZone;
        CallState call;
        AutoReplies autoReplies;
        Instant presenceSeenAt;
        EventPresence published;
        /** A NONE published since the last calendar poll: renewed once, in case its write was lost with a node. */
        boolean renewNone;
        boolean publishFailing;
        /** No longer a member: kept, not polled, until the final NONE has been delivered and named once more. */
        boolean left;
        Instant nextChange;
        long version;
        /** After an unreadable state: a NONE waits for the call state (a user in a call must not flash NONE), at most until then. */
        Instant noneHeldUntil;

        UserSlot(User user, Instant now) {
            this.user = user;
            this.windowStart = now;
        }

        private UserSlot(SavedUser s) {
            user = s.user();
            left = s.left();
            calendarKnown = s.calendar().known();
            windowStart = s.calendar().windowStart();
            items = s.calendar().items();
            calendarError = s.calendar().error();
            mailboxZone = s.calendar().mailboxZone();
            call = s.activity().call();
            autoReplies = s.activity().autoReplies();
            presenceSeenAt = s.activity().seenAt();
            published = s.publication().presence();
            version = s.publication().version();
            renewNone = s.publication().renewNone();
            publishFailing = s.publication().failing();
            noneHeldUntil = s.publication().noneHeldUntil();
            nextChange = s.nextChange();
        }

        private SavedUser saved() {
            return new SavedUser(user, left, new Calendar(calendarKnown, windowStart, items, calendarError, mailboxZone),
                    new Activity(call, autoReplies, presenceSeenAt),
                    new Publication(published, version, renewNone, publishFailing, noneHeldUntil), nextChange);
        }
    }
}
