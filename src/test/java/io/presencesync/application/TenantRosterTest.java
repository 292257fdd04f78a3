package io.presencesync.application;

import io.presencesync.application.port.SourceResult;
import io.presencesync.application.port.UserDirectory;
import io.presencesync.domain.User;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class TenantRosterTest {

    static final String GROUP = "5f2d1c3e-0a4b-4c5d-9e6f-aabbccddeeff";
    static final Duration REFRESH = Duration.ofMinutes(15);

    final Instant t0 = Instant.parse("2026-11-30T08:00:00Z");
    final Map<String, SourceResult<List<User>>> groups = new HashMap<>();
    final List<List<String>> lookups = new ArrayList<>();
    final UserDirectory directory = new UserDirectory() {
        @Override
        public Map<String, SourceResult<User>> resolve(List<String> refs) {
            lookups.add(List.copyOf(refs));
            Map<String, SourceResult<User>> found = new HashMap<>();
            for (String ref : refs) found.put(ref, new SourceResult.Ok<>(new User("id-" + ref, ref)));
            return found;
        }

        @Override
        public Map<String, SourceResult<List<User>>> groupMembers(List<String> groupIds) {
            Map<String, SourceResult<List<User>>> found = new HashMap<>();
            for (String g : groupIds) found.put(g, groups.get(g));
            return found;
        }
    };

    static List<User> users(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> new User("id-" + i, "u" + i + "@contoso.com")).toList();
    }

    @Test
    void usersFillUnitsUpToTheUnitSizeInOrder() {
        TenantRoster roster = new TenantRoster("contoso");
        groups.put(GROUP, new SourceResult.Ok<>(users(0, 10)));
        roster.refresh(List.of(), List.of(GROUP), directory, t0, REFRESH, 4);
        assertThat(roster.units()).extracting(List::size).containsExactly(4, 4, 2);
        assertThat(roster.users()).hasSize(10);
    }

    @Test
    void aUserStaysInTheirUnitWhileOthersLeaveAndJoinersFillTheGaps() {
        TenantRoster roster = new TenantRoster("contoso");
        groups.put(GROUP, new SourceResult.Ok<>(users(0, 10)));
        roster.refresh(List.of(), List.of(GROUP), directory, t0, REFRESH, 4);
        List<List<User>> before = roster.units();

        List<User> changed = new ArrayList<>(users(0, 10));
        changed.remove(1);   // leaves unit 0
        changed.remove(4);   // id-5 leaves unit 1
        changed.addAll(users(10, 13));
        groups.put(GROUP, new SourceResult.Ok<>(changed));
        roster.refresh(List.of(), List.of(GROUP), directory, t0.plus(REFRESH), REFRESH, 4);

        List<List<User>> after = roster.units();
        assertThat(after.get(0)).contains(before.get(0).get(0)).doesNotContain(new User("id-1", "u1@contoso.com"));
        assertThat(after.get(1)).containsAll(List.of(new User("id-4", "u4@contoso.com"), new User("id-6", "u6@contoso.com")));
        assertThat(after.get(2)).containsAll(before.get(2));
        assertThat(after).extracting(List::size).containsExactly(4, 4, 3);
    }

    @Test
    void onlyAFullRefreshLooksEveryoneUpAgainUnlessTheConfigurationChanged() {
        TenantRoster roster = new TenantRoster("contoso");
        roster.refresh(List.of("anna@contoso.com"), List.of(), directory, t0, REFRESH, 650);
        roster.refresh(List.of("anna@contoso.com"), List.of(), directory, t0.plusSeconds(60), REFRESH, 650);
        assertThat(lookups).hasSize(1);

        roster.refresh(List.of("anna@contoso.com", "ben@contoso.com"), List.of(), directory, t0.plusSeconds(120), REFRESH, 650);
        assertThat(lookups).hasSize(2);
        assertThat(roster.users()).extracting(User::address).containsExactly("anna@contoso.com", "ben@contoso.com");

        roster.refresh(List.of("ben@contoso.com"), List.of(), directory, t0.plusSeconds(180), REFRESH, 650);
        assertThat(roster.users()).extracting(User::address).containsExactly("ben@contoso.com");
        roster.refresh(List.of("ben@contoso.com"), List.of(), directory, t0.plusSeconds(180).plus(REFRESH).minusMillis(1), REFRESH, 650);
        assertThat(lookups).as("the next full refresh is due one interval after the last").hasSize(3);
        roster.refresh(List.of("ben@contoso.com"), List.of(), directory, t0.plusSeconds(180).plus(REFRESH), REFRESH, 650);
        assertThat(lookups).hasSize(4);
    }

    @Test
    void aLargerUnitSizeFillsTheExistingUnitsWithJoinersAndNobodyMoves() {
        TenantRoster roster = new TenantRoster("contoso");
        groups.put(GROUP, new SourceResult.Ok<>(users(0, 6)));
        roster.refresh(List.of(), List.of(GROUP), directory, t0, REFRESH, 4);
        List<List<User>> before = roster.units();

        groups.put(GROUP, new SourceResult.Ok<>(users(0, 12)));
        roster.refresh(List.of(), List.of(GROUP), directory, t0.plus(REFRESH), REFRESH, 6);

        List<List<User>> after = roster.units();
        assertThat(after.get(0)).startsWith(before.get(0).toArray(User[]::new));
        assertThat(after.get(1)).startsWith(before.get(1).toArray(User[]::new));
        assertThat(after).extracting(List::size).containsExactly(6, 6);
    }
}
