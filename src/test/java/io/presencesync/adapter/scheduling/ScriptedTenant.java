package io.presencesync.adapter.scheduling;

import io.presencesync.application.TenantPorts;
import io.presencesync.application.TenantSetup;
import io.presencesync.application.port.CalendarSource;
import io.presencesync.application.port.CallStateSource;
import io.presencesync.application.port.PresencePublisher;
import io.presencesync.application.port.SourceResult;
import io.presencesync.application.port.TeamsPresence;
import io.presencesync.application.port.UserDirectory;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.FreeBusyStatus;
import io.presencesync.domain.User;
import io.presencesync.rules.PresenceRules;
import io.presencesync.rules.RuleSettings;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A tenant whose users and calendars follow from two instants alone, so that separate processes
 * (cluster nodes) see the same world: user i is in a meeting from {@code firstStart + i s} to
 * {@code firstEnd + i s}. Built as {@code ScriptedTenant.named("contoso").withUsers(6).inMeetingsFrom(t).until(u)}.
 */
record ScriptedTenant(String name, int users, Instant firstStart, Instant firstEnd) {

    static Builder named(String name) { return new Builder(name, 1); }

    record Builder(String name, int users) {
        Builder withUsers(int count) { return new Builder(name, count); }

        /** User 0's meeting starts at {@code start}; each next user's a second later. */
        Meetings inMeetingsFrom(Instant start) { return new Meetings(this, start); }
    }

    record Meetings(Builder tenant, Instant start) {
        /** User 0's meeting ends at {@code end}; each next user's a second later. */
        ScriptedTenant until(Instant end) { return new ScriptedTenant(tenant.name(), tenant.users(), start, end); }
    }

    List<String> references() {
        return IntStream.range(0, users).mapToObj(i -> "user" + i + "@contoso.com").toList();
    }

    Instant start(int user) { return firstStart.plusSeconds(user); }

    Instant end(int user) { return firstEnd.plusSeconds(user); }

    static int index(User user) {
        return Integer.parseInt(user.id().substring("id-".length()));
    }

    TenantSetup setup(PresencePublisher publisher) {
        UserDirectory directory = new UserDirectory() {
            @Override
            public Map<String, SourceResult<User>> resolve(List<String> refs) {
                Map<String, SourceResult<User>> found = new HashMap<>();
                for (String ref : refs) {
                    found.put(ref, new SourceResult.Ok<>(new User("id-" + ref.substring(4, ref.indexOf('@')), ref)));
                }
                return found;
            }

            @Override
            public Map<String, SourceResult<List<User>>> groupMembers(List<String> groupIds) {
                return Map.of();
            }
        };
        CalendarSource calendars = (list, from, to) -> {
            Map<String, SourceResult<List<FreeBusyItem>>> answer = new HashMap<>();
            for (User u : list) {
                int i = index(u);
                answer.put(u.id(), new SourceResult.Ok<>(List.of(new FreeBusyItem(start(i), end(i), FreeBusyStatus.BUSY))));
            }
            return answer;
        };
        CallStateSource calls = list -> {
            Map<String, SourceResult<TeamsPresence>> answer = new HashMap<>();
            for (User u : list) answer.put(u.id(), new SourceResult.Ok<>(new TeamsPresence("Available", false)));
            return answer;
        };
        return new TenantSetup(name, references(), List.of(), new TenantPorts(directory, calendars, calls, publisher),
                new PresenceRules(RuleSettings.DEFAULTS));
    }
}
