package io.presencesync.application.port;

import io.presencesync.domain.FreeBusyItem;

import java.time.ZoneId;
import java.util.List;

/**
 * A user's free/busy as read, with their mailbox's time zone (getSchedule's working hours name it):
 * the zone an all-day appointment's day is in, and the one an explanation shows times in.
 *
 * @param mailboxZone null when the source does not tell or names a zone not known here
 */
public record MailboxSchedule(List<FreeBusyItem> items, ZoneId mailboxZone) {
    public MailboxSchedule {
        items = List.copyOf(items);
    }
}
