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
 * A tenant whose users and calendars follow from a start instant alone, so that separate
 * processes (cluster nodes) see the same world: user i is in a meeting from
 * {@code t0 + meetingStart + i s} to {@code t0 + meetingEnd + i s}, whole seconds.
 */
record ScriptedTenant(String name, int users, Instant t0, int meetingStart, int meetingEnd) {

    List<String> references() {
        return IntStream.range(0, users).mapToObj(i -> "user" + i + "@contoso.com").toList();
    }

    Instant start(int user) { return t0.plusSeconds(meetingStart + user); }

    Instant end(int user) { return t0.plusSeconds(meetingEnd + user); }

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
