package io.presencesync.testsupport;

import io.presencesync.adapter.config.SyncConfig;
import io.presencesync.application.SyncTiming;

import java.time.Duration;

/** Test data: a {@link SyncTiming} with the service's defaults, {@code aSyncTiming().withCalendarPollInterval(…).build()}. */
public final class SyncTimingBuilder {

    private Duration calendarPollInterval = SyncConfig.DEFAULTS.calendarPollInterval();
    private Duration horizon = SyncConfig.DEFAULTS.horizon();
    private Duration userRefreshInterval = SyncConfig.DEFAULTS.userRefreshInterval();
    private Duration callStatePollInterval = SyncConfig.DEFAULTS.callStatePollInterval();

    private SyncTimingBuilder() {}

    public static SyncTimingBuilder aSyncTiming() { return new SyncTimingBuilder(); }

    public SyncTimingBuilder withCalendarPollInterval(Duration interval) {
        calendarPollInterval = interval;
        return this;
    }

    public SyncTimingBuilder withCallStatePollInterval(Duration interval) {
        callStatePollInterval = interval;
        return this;
    }

    public SyncTiming build() { return new SyncTiming(calendarPollInterval, horizon, userRefreshInterval, callStatePollInterval); }
}
