package io.presencesync.testsupport;

import io.presencesync.application.TenantPorts;
import io.presencesync.application.port.CalendarSource;
import io.presencesync.application.port.CallStateSource;
import io.presencesync.application.port.PresencePublisher;
import io.presencesync.application.port.SourceResult;
import io.presencesync.application.port.UserDirectory;
import io.presencesync.domain.User;

import java.util.List;
import java.util.Map;

/**
 * Test data: a tenant's ports where only what a test sets answers, {@code ports().withCalendars(…).publishingTo(…).build()}.
 * Otherwise the directory finds nobody (a unit's members are given), the sources answer for nobody
 * and the publisher drops what it is given.
 */
public final class TenantPortsBuilder {

    /** Finds no user and no group member. */
    private static final UserDirectory NOBODY = new UserDirectory() {
        @Override
        public Map<String, SourceResult<User>> resolve(List<String> references) { return Map.of(); }

        @Override
        public Map<String, SourceResult<List<User>>> groupMembers(List<String> groupIds) { return Map.of(); }
    };

    private UserDirectory directory = NOBODY;
    private CalendarSource calendars = (users, from, to) -> Map.of();
    private CallStateSource calls = users -> Map.of();
    private PresencePublisher publisher = update -> { };

    private TenantPortsBuilder() {}

    public static TenantPortsBuilder ports() { return new TenantPortsBuilder(); }

    public TenantPortsBuilder withDirectory(UserDirectory users) {
        directory = users;
        return this;
    }

    public TenantPortsBuilder withCalendars(CalendarSource source) {
        calendars = source;
        return this;
    }

    public TenantPortsBuilder withCallStates(CallStateSource source) {
        calls = source;
        return this;
    }

    public TenantPortsBuilder publishingTo(PresencePublisher store) {
        publisher = store;
        return this;
    }

    public TenantPorts build() { return new TenantPorts(directory, calendars, calls, publisher); }
}
