package io.presencesync.application;

import java.time.Duration;
import java.util.Objects;

/**
 * How far ahead and how often one tenant's sync looks.
 *
 * @param calendarPollInterval  how often calendars are read (finds new, edited and deleted appointments)
 * @param horizon               how far ahead calendars are read
 * @param userRefreshInterval   how often the configured users are looked up again
 * @param callStatePollInterval how often call state is polled; call state not confirmed for
 *                              {@link UnitSync#CALL_STATE_MISSED_POLLS} of these is dropped
 */
public record SyncTiming(Duration calendarPollInterval, Duration horizon, Duration userRefreshInterval, Duration callStatePollInterval) {
    public SyncTiming {
        Objects.requireNonNull(calendarPollInterval, "calendarPollInterval");
        Objects.requireNonNull(horizon, "horizon");
        Objects.requireNonNull(userRefreshInterval, "userRefreshInterval");
        Objects.requireNonNull(callStatePollInterval, "callStatePollInterval");
    }
}
