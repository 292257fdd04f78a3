package io.presencesync.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * One appointment as free/busy sees it: when and how it shows. Deliberately holds no subject,
 * location or body, so they can never be used, published or logged.
 */
public record FreeBusyItem(Instant start, Instant end, FreeBusyStatus status) {
    public FreeBusyItem {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(status, "status");
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("appointment ends " + end + " before it starts " + start);
        }
    }
}
