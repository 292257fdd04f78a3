package io.presencesync.adapter.demo;

import io.presencesync.adapter.demo.DemoCalendars.Appointment;
import io.presencesync.adapter.demo.DemoCalendars.DemoUser;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * A tenant of any size for load tests: every user has short meetings back to back with gaps during
 * a dense span after the start (so that many presences change every second), then a few a day up to
 * the end of {@link DemoCalendars#HORIZON}. Meetings start and end on whole seconds. No calls: Teams
 * shows InAMeeting during busy meetings, which only mirrors the calendar. Deterministic per seed.
 */
public final class LoadCalendars {

    private static final String[] SUBJECTS = {"Weekly sync", "1:1", "Sprint planning", "Customer call", "Budget review",
            "Interview", "Architecture review", "Release go/no-go", "Training", "Stand-up"};
    private static final String[] LOCATIONS = {"Microsoft Teams Meeting", "Room Elbe", "Room Isar", "Room Spree", ""};

    private LoadCalendars() {}

    /**
     * @param t0        the start (cut to whole seconds); meetings already running at t0 are included
     * @param users     how many users ({@code user000001@contoso.demo} …)
     * @param denseSpan how long after t0 the calendars stay dense (5–40 min meetings, 5–45 min gaps)
     */
    public static DemoCalendars generate(Instant t0, int users, Duration denseSpan, long seed) {
        if (users < 1) throw new IllegalArgumentException("users must be positive: " + users);
        Instant start = t0.truncatedTo(ChronoUnit.SECONDS);
        Instant denseEnd = start.plus(denseSpan);
        Instant end = start.plus(DemoCalendars.HORIZON).plus(Duration.ofHours(1));
        List<DemoUser> all = new ArrayList<>(users);
        Map<String, List<Appointment>> appointments = new HashMap<>(users * 2);
        for (int i = 1; i <= users; i++) {
            String upn = String.format("user%06d@%s", i, DemoCalendars.DOMAIN);
            String id = UUID.nameUUIDFromBytes(("presence-sync-load:" + upn).getBytes(StandardCharsets.UTF_8)).toString();
            DemoUser user = new DemoUser(id, upn, "Load User " + i, DemoCalendars.BERLIN);
            all.add(user);
            Random r = new Random(seed * 1_000_003L + i);
            List<Appointment> list = new ArrayList<>();
            Instant t = start.minusSeconds(1200 - r.nextInt(900));
            while (t.isBefore(denseEnd)) {
                Instant meetingEnd = t.plusSeconds(300 + r.nextInt(35 * 60));
                list.add(appointment(r, t, meetingEnd));
                t = meetingEnd.plusSeconds(300 + r.nextInt(40 * 60));
            }
            for (t = t.plusSeconds(3600L + r.nextInt(3 * 3600)); t.isBefore(end); t = t.plusSeconds(2 * 3600L + r.nextInt(3 * 3600))) {
                Instant meetingEnd = t.plusSeconds(1800 + r.nextInt(1800));
                list.add(appointment(r, t, meetingEnd));
                t = meetingEnd;
            }
            appointments.put(id, List.copyOf(list));
        }
        return new DemoCalendars(start, all, appointments, Map.of());
    }

    private static Appointment appointment(Random r, Instant from, Instant to) {
        int p = r.nextInt(100);
        String status = p < 75 ? DemoCalendars.BUSY : p < 85 ? DemoCalendars.TENTATIVE : p < 93 ? DemoCalendars.FREE
                : DemoCalendars.WORKING_ELSEWHERE;
        boolean isPrivate = DemoCalendars.BUSY.equals(status) && r.nextInt(10) == 0;
        return new Appointment(from, to, status, isPrivate, SUBJECTS[r.nextInt(SUBJECTS.length)], LOCATIONS[r.nextInt(LOCATIONS.length)]);
    }
}
