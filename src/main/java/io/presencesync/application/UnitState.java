package io.presencesync.application;

import io.presencesync.domain.AutoReplies;
import io.presencesync.domain.CallState;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.User;

import java.io.Serial;
import java.io.Serializable;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one sync unit remembers between runs: per user the last calendar and call state read and
 * what was last published. Serializable so that in clustered mode it follows the unit to whichever
 * node runs it next.
 */
public final class UnitState implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    final Map<String, UserSlot> slots = new LinkedHashMap<>();

    /** What the service knows about one user between polls. */
    static final class UserSlot implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

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

        UserSlot(User user, Instant now) {
            this.user = user;
            this.windowStart = now;
        }
    }
}
