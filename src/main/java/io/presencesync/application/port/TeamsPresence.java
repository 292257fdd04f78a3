package io.presencesync.application.port;

import java.util.Objects;

/**
 * What the presence poll tells about a user: the Teams activity, and whether automatic replies
 * are on (Graph's outOfOfficeSettings.isOutOfOffice: always on, or inside the scheduled window).
 */
public record TeamsPresence(String activity, boolean outOfOffice) {
    public TeamsPresence {
        Objects.requireNonNull(activity, "activity");
    }
}
