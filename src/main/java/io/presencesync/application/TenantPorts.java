package io.presencesync.application;

import io.presencesync.application.port.CalendarSource;
import io.presencesync.application.port.CallStateSource;
import io.presencesync.application.port.PresencePublisher;
import io.presencesync.application.port.UserDirectory;

import java.util.Objects;

/** What one tenant's sync talks to. */
public record TenantPorts(UserDirectory directory, CalendarSource calendars, CallStateSource calls, PresencePublisher publisher) {
    public TenantPorts {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(calendars, "calendars");
        Objects.requireNonNull(calls, "calls");
        Objects.requireNonNull(publisher, "publisher");
    }
}
