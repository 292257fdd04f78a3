package io.presencesync.application;

import java.time.Duration;
import java.util.Objects;

/**
 * How far ahead and how often one tenant's sync looks.
 *
 * @param horizon               how far ahead calendars are read
 * @param userRefreshInterval   how often the configured users are looked up again
 * @param callStatePollInterval how often call state is polled; call state not confirmed for
 *                              {@link TenantSync#CALL_STATE_MISSED_POLLS} of these is dropped
 */
public record SyncTiming(Duration horizon, Duration userRefreshInterval, Duration callStatePollInterval) {
    public SyncTiming {
        Objects.requireNonNull(horizon, "horizon");
        Objects.requireNonNull(userRefreshInterval, "userRefreshInterval");
        Objects.requireNonNull(callStatePollInterval, "callStatePollInterval");
    }
}
