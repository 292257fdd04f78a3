package io.presencesync.adapter.config;

import java.time.Duration;

/**
 * How often and how far ahead the service looks.
 *
 * @param calendarPollInterval how often calendars are read (finds new and edited appointments)
 * @param callStatePollInterval how often Teams call state is read
 * @param horizon how far ahead calendars are read (transitions inside it are published on time)
 * @param userRefreshInterval how often the configured users are looked up again
 */
public record SyncConfig(Duration calendarPollInterval, Duration callStatePollInterval, Duration horizon,
                         Duration userRefreshInterval) {
    public static final SyncConfig DEFAULTS = new SyncConfig(Duration.ofSeconds(60), Duration.ofSeconds(15),
            Duration.ofHours(24), Duration.ofMinutes(15));
}
