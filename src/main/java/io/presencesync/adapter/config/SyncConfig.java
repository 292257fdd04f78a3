package io.presencesync.adapter.config;

import java.time.Duration;

/**
 * How often and how far ahead the service looks.
 *
 * @param calendarPollInterval how often calendars are read (finds new and edited appointments)
 * @param callStatePollInterval how often Teams call state is read
 * @param horizon how far ahead calendars are read (transitions inside it are published on time)
 * @param userRefreshInterval how often the configured users are looked up again
 * @param unitSize how many users one sync unit (one Quartz job) polls together
 * @param threads how many sync units may run at once on one node
 */
public record SyncConfig(Duration calendarPollInterval, Duration callStatePollInterval, Duration horizon,
                         Duration userRefreshInterval, int unitSize, int threads) {
    /** 640 users: 32 full getSchedule requests of 20 (two $batch requests) and one presence request. */
    public static final int DEFAULT_UNIT_SIZE = 640;
    public static final int DEFAULT_THREADS = 8;
    public static final SyncConfig DEFAULTS = new SyncConfig(Duration.ofSeconds(60), Duration.ofSeconds(15),
            Duration.ofHours(24), Duration.ofMinutes(15), DEFAULT_UNIT_SIZE, DEFAULT_THREADS);
}
