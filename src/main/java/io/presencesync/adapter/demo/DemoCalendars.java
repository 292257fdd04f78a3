package io.presencesync.adapter.demo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The demo tenant: 25 users of {@value #DOMAIN} with appointments and Teams calls laid out around a
 * start instant, so that a viewer sees a presence change soon after start and about every half minute
 * for the next {@link #HORIZON}. Pure and deterministic: the same start gives the same calendars.
 */
public final class DemoCalendars {

    public static final String DOMAIN = "contoso.demo";
    /** How far ahead of the start appointments and calls are generated. */
    public static final Duration HORIZON = Duration.ofHours(24);
    /** The showcase scenarios repeat with this period, so they can be watched again and again. */
    public static final Duration CYCLE = Duration.ofMinutes(30);
    /** The longest stretch in which no event presence of the tenant changes. */
    static final Duration MAX_QUIET = Duration.ofSeconds(90);

    public static final String FREE = "free";
    public static final String TENTATIVE = "tentative";
    public static final String BUSY = "busy";
    public static final String OOF = "oof";
    public static final String WORKING_ELSEWHERE = "workingElsewhere";

    public static final String IN_A_CALL = "InACall";
    public static final String IN_A_CONFERENCE_CALL = "InAConferenceCall";

    /** The group whose transitive members are every user of the tenant (for {@code groups:} instead of a user list). */
    public static final String ALL_USERS_GROUP_ID = "5e7a1c24-9b3d-4f60-8a2e-3c1d7b9f0a42";

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final long SEED = 20_250_310L;

    /** A directory user; the address for free/busy is the UPN, which is also the mail address here. */
    public record DemoUser(String id, String userPrincipalName, String displayName, ZoneId mailboxTimeZone) {
        public DemoUser {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(userPrincipalName, "userPrincipalName");
            Objects.requireNonNull(displayName, "displayName");
            Objects.requireNonNull(mailboxTimeZone, "mailboxTimeZone");
        }
    }

    /** One calendar item as getSchedule returns it; {@code status} is spelled as Graph spells it. */
    public record Appointment(Instant start, Instant end, String status, boolean isPrivate, String subject, String location) {
        public Appointment {
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(end, "end");
            Objects.requireNonNull(status, "status");
            if (!end.isAfter(start)) throw new IllegalArgumentException("appointment ends " + end + " before it starts " + start);
        }

        public boolean covers(Instant t) { return !t.isBefore(start) && t.isBefore(end); }

        public boolean overlaps(Instant from, Instant to) { return start.isBefore(to) && end.isAfter(from); }
    }

    /** A Teams call; {@code activity} is the presence activity Teams reports during it. */
    public record Call(Instant start, Instant end, String activity) {
        public Call {
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(end, "end");
            Objects.requireNonNull(activity, "activity");
            if (!end.isAfter(start)) throw new IllegalArgumentException("call ends " + end + " before it starts " + start);
        }

        public boolean covers(Instant t) { return !t.isBefore(start) && t.isBefore(end); }
    }

    /** What getPresencesByUserId reports for a user at one instant. */
    public record TeamsPresence(String availability, String activity, boolean outOfOffice) {}

    private final Instant start;
    private final List<DemoUser> users;
    private final Map<String, List<Appointment>> appointments;
    private final Map<String, List<Call>> calls;
    private final Map<String, DemoUser> byKey;

    DemoCalendars(Instant start, List<DemoUser> users, Map<String, List<Appointment>> appointments,
                  Map<String, List<Call>> calls) {
        this.start = start;
        this.users = List.copyOf(users);
        this.appointments = new ConcurrentHashMap<>(appointments);
        this.calls = Map.copyOf(calls);
        Map<String, DemoUser> keys = new HashMap<>();
        for (DemoUser u : users) {
            keys.put(u.id().toLowerCase(Locale.ROOT), u);
            keys.put(u.userPrincipalName().toLowerCase(Locale.ROOT), u);
        }
        this.byKey = Map.copyOf(keys);
    }

    /** The demo tenant's calendars with {@code t0} (cut to whole seconds) as the moment the demo starts. */
    public static DemoCalendars startingAt(Instant t0) {
        return new Generator(t0.truncatedTo(ChronoUnit.SECONDS)).build();
    }

    /** The start instant, on a whole second. */
    public Instant start() { return start; }

    public List<DemoUser> users() { return users; }

    /** A user by object id or UPN (mail), case-insensitively. */
    public Optional<DemoUser> find(String idOrAddress) {
        return idOrAddress == null ? Optional.empty() : Optional.ofNullable(byKey.get(idOrAddress.toLowerCase(Locale.ROOT)));
    }

    /** The user's appointments ordered by start; empty for an unknown id. */
    public List<Appointment> appointments(String userId) { return appointments.getOrDefault(userId, List.of()); }

    /** The user's appointments that overlap [from, to). */
    public List<Appointment> appointments(String userId, Instant from, Instant to) {
        return appointments(userId).stream().filter(a -> a.overlaps(from, to)).toList();
    }

    /**
     * Edits the user's calendar as an organiser would (the benchmark's edits): from now on the simulator
     * answers with {@code edited}, ordered by start here.
     */
    public void replaceAppointments(String userId, List<Appointment> edited) {
        if (!appointments.containsKey(userId)) throw new IllegalArgumentException("no such user: " + userId);
        appointments.put(userId, edited.stream().sorted(Comparator.comparing(Appointment::start)).toList());
    }

    /** The user's calls ordered by start; empty for an unknown id. */
    public List<Call> calls(String userId) { return calls.getOrDefault(userId, List.of()); }

    /**
     * What Teams shows for the user at {@code t}: a call wins, then a busy meeting, then out of office.
     * Out-of-office settings stay on during anything else that happens inside an oof appointment.
     */
    public TeamsPresence presenceAt(String userId, Instant t) {
        boolean oof = appointments(userId).stream().anyMatch(a -> a.covers(t) && OOF.equals(a.status()));
        Optional<Call> call = calls(userId).stream().filter(c -> c.covers(t)).findFirst();
        if (call.isPresent()) return new TeamsPresence("Busy", call.get().activity(), oof);
        if (appointments(userId).stream().anyMatch(a -> a.covers(t) && BUSY.equals(a.status()))) {
            return new TeamsPresence("Busy", "InAMeeting", oof);
        }
        if (oof) return new TeamsPresence("Away", "OutOfOffice", true);
        return new TeamsPresence("Available", "Available", false);
    }

    /** Builds the tenant: scripted showcase users first, then seeded-random ones. */
    private static final class Generator {
        private static final String[][] SCRIPTED = {
                {"Anna", "Schmidt"}, {"Ben", "Mueller", "Ben Müller"}, {"Clara", "Fischer"}, {"David", "Wagner"},
                {"Emma", "Becker"}, {"Felix", "Hoffmann"}, {"Greta", "Schulz"}, {"Hannah", "Koch"},
                {"Ida", "Wolf"}, {"Jonas", "Richter"}, {"Lena", "Klein"}};
        private static final String[][] RANDOM = {
                {"Lukas", "Weber"}, {"Marie", "Schroeder", "Marie Schröder"}, {"Noah", "Neumann"}, {"Olivia", "Schwarz"},
                {"Paul", "Zimmermann"}, {"Sophie", "Braun"}, {"Leon", "Krueger", "Leon Krüger"}, {"Mia", "Hofmann"},
                {"Elias", "Hartmann"}, {"Lina", "Lange"}, {"Finn", "Werner"}, {"Emilia", "Krause"},
                {"Maximilian", "Lehmann"}, {"Johanna", "Koehler", "Johanna Köhler"}};
        private static final int[] DURATION_MINUTES = {3, 4, 5, 8, 10, 15, 20, 25, 30};
        private static final String[] SUBJECTS = {"Weekly sync", "1:1", "Sprint planning", "Customer call",
                "Budget review", "Interview", "Team lunch", "Architecture review", "Release go/no-go", "Training"};
        private static final String[] LOCATIONS = {"Microsoft Teams Meeting", "Room Elbe", "Room Isar", "Room Spree",
                "Canteen", ""};

        private final Instant t0;
        private final Instant end;
        private final List<DemoUser> users = new ArrayList<>();
        private final Map<String, List<Appointment>> appointments = new HashMap<>();
        private final Map<String, List<Call>> calls = new HashMap<>();

        Generator(Instant t0) {
            this.t0 = t0;
            this.end = t0.plus(HORIZON);
        }

        DemoCalendars build() {
            scripted();
            List<DemoUser> pool = new ArrayList<>();
            for (int i = 0; i < RANDOM.length; i++) {
                pool.add(user(RANDOM[i], i == 3 ? ZoneId.of("America/New_York") : BERLIN));
                random(pool.get(i), i);
            }
            fillQuietStretches(pool, new Random(SEED));
            appointments.replaceAll((id, list) -> list.stream().sorted(Comparator.comparing(Appointment::start)).toList());
            calls.replaceAll((id, list) -> list.stream().sorted(Comparator.comparing(Call::start)).toList());
            return new DemoCalendars(t0, users, appointments, calls);
        }

        private void scripted() {
            DemoUser anna = user(SCRIPTED[0], BERLIN), ben = user(SCRIPTED[1], BERLIN), clara = user(SCRIPTED[2], BERLIN);
            DemoUser david = user(SCRIPTED[3], BERLIN), emma = user(SCRIPTED[4], BERLIN), felix = user(SCRIPTED[5], BERLIN);
            DemoUser greta = user(SCRIPTED[6], BERLIN), hannah = user(SCRIPTED[7], BERLIN), ida = user(SCRIPTED[8], BERLIN);
            DemoUser jonas = user(SCRIPTED[9], ZoneId.of("Europe/London")), lena = user(SCRIPTED[10], BERLIN);

            // Whole local days: an all-day item starts at the mailbox's midnight, not at UTC midnight.
            allDayOof(clara, "Vacation");
            allDayOof(jonas, "Conference trip");
            meeting(felix, t0.minus(Duration.ofMinutes(30)), t0.plus(Duration.ofHours(8)), WORKING_ELSEWHERE, false,
                    "Working from home", "Home office");
            for (Instant c = t0; c.isBefore(end); c = c.plus(CYCLE)) {
                meeting(anna, at(c, 60), at(c, 240), BUSY, false, "Stand-up", "Microsoft Teams Meeting");
                // Back to back: one ends at the very second the next starts; the presence must not flap.
                meeting(ben, at(c, 90), at(c, 180), BUSY, false, "Sync with Anna", "Room Elbe");
                meeting(ben, at(c, 180), at(c, 300), BUSY, false, "Design review", "Room Isar");
                // Private: the subject must never be shown anywhere, yet the simulator serves it.
                meeting(david, at(c, 120), at(c, 1020), BUSY, true, "Doctor appointment", "Praxis Dr. Lang");
                meeting(emma, at(c, 60), at(c, 1260), TENTATIVE, false, "Optional: architecture guild", "Room Spree");
                meeting(lena, at(c, 60), at(c, 960), FREE, false, "Focus time", "");
                call(greta, at(c, 60), at(c, 180), IN_A_CALL);
                meeting(hannah, at(c, 120), at(c, 720), BUSY, false, "Customer escalation", "Microsoft Teams Meeting");
                call(hannah, at(c, 240), at(c, 420), IN_A_CONFERENCE_CALL);
                call(jonas, at(c, 180), at(c, 360), IN_A_CALL);
                // Already on the phone when the demo starts (the first cycle's call began before t0).
                call(ida, at(c, -120), at(c, 90), IN_A_CALL);
            }
        }

        /** A day of meetings and gaps with the odd call in between, seeded per user so the tenant is reproducible. */
        private void random(DemoUser user, int index) {
            Random r = new Random(SEED * 31 + index);
            Instant t = at(t0, 20 + r.nextInt(600));
            while (t.isBefore(end)) {
                int duration = DURATION_MINUTES[r.nextInt(DURATION_MINUTES.length)] * 60 + 15 * r.nextInt(4);
                String status = status(r.nextInt(100));
                boolean isPrivate = BUSY.equals(status) && r.nextInt(10) == 0;
                Instant meetingEnd = at(t, duration);
                meeting(user, t, meetingEnd, status, isPrivate, SUBJECTS[r.nextInt(SUBJECTS.length)],
                        LOCATIONS[r.nextInt(LOCATIONS.length)]);
                int gap = 60 + r.nextInt(900);
                if (gap > 150 && r.nextInt(10) < 3) {
                    int offset = 30 + r.nextInt(gap - 120);
                    int length = 45 + r.nextInt(Math.min(240, gap - offset - 30));
                    call(user, at(meetingEnd, offset), at(meetingEnd, offset + length),
                            r.nextInt(5) == 0 ? IN_A_CONFERENCE_CALL : IN_A_CALL);
                }
                t = at(meetingEnd, gap);
            }
        }

        /**
         * Random calendars bunch up now and then; a quick call of someone who is free at the time breaks
         * every stretch longer than {@link #MAX_QUIET} without a change, so the demo never looks stuck.
         */
        private void fillQuietStretches(List<DemoUser> pool, Random r) {
            Instant previous = t0;
            for (Instant next : changes()) {
                Instant t = previous;
                while (Duration.between(t, next).compareTo(MAX_QUIET) > 0) {
                    Instant from = at(t, 30 + r.nextInt(10));
                    Instant to = at(from, 30 + r.nextInt(15));
                    List<DemoUser> free = pool.stream().filter(u -> idle(u, from, to)).toList();
                    if (free.isEmpty()) break;
                    call(free.get(r.nextInt(free.size())), from, to, IN_A_CALL);
                    t = to;
                }
                previous = next;
            }
        }

        /** Every start and end of what forms an event presence (busy, oof, a call), and the horizon. */
        private TreeSet<Instant> changes() {
            TreeSet<Instant> changes = new TreeSet<>();
            appointments.values().forEach(list -> list.stream().filter(a -> BUSY.equals(a.status()) || OOF.equals(a.status()))
                    .forEach(a -> { changes.add(a.start()); changes.add(a.end()); }));
            calls.values().forEach(list -> list.forEach(c -> { changes.add(c.start()); changes.add(c.end()); }));
            changes.add(end);
            return new TreeSet<>(changes.subSet(t0, false, end, true));
        }

        private boolean idle(DemoUser u, Instant from, Instant to) {
            return appointments.getOrDefault(u.id(), List.of()).stream()
                            .noneMatch(a -> a.overlaps(from, to) && (BUSY.equals(a.status()) || OOF.equals(a.status())))
                    && calls.getOrDefault(u.id(), List.of()).stream().noneMatch(c -> c.start().isBefore(to) && c.end().isAfter(from));
        }

        private static String status(int percent) {
            if (percent < 70) return BUSY;
            if (percent < 80) return TENTATIVE;
            if (percent < 88) return OOF;
            if (percent < 94) return WORKING_ELSEWHERE;
            return FREE;
        }

        /** Today and tomorrow, each from the mailbox's local midnight: at least a day of AWAY from the start. */
        private void allDayOof(DemoUser user, String subject) {
            LocalDate today = LocalDate.ofInstant(t0, user.mailboxTimeZone());
            for (int d = 0; d < 2; d++) {
                Instant from = today.plusDays(d).atStartOfDay(user.mailboxTimeZone()).toInstant();
                Instant to = today.plusDays(d + 1L).atStartOfDay(user.mailboxTimeZone()).toInstant();
                meeting(user, from, to, OOF, false, subject, "");
            }
        }

        private DemoUser user(String[] name, ZoneId zone) {
            String upn = (name[0] + "." + name[1]).toLowerCase(Locale.ROOT) + "@" + DOMAIN;
            String displayName = name.length > 2 ? name[2] : name[0] + " " + name[1];
            UUID id = UUID.nameUUIDFromBytes(("presence-sync-demo:" + upn).getBytes(StandardCharsets.UTF_8));
            DemoUser user = new DemoUser(id.toString(), upn, displayName, zone);
            users.add(user);
            return user;
        }

        private void meeting(DemoUser u, Instant from, Instant to, String status, boolean isPrivate, String subject, String location) {
            appointments.computeIfAbsent(u.id(), k -> new ArrayList<>())
                    .add(new Appointment(from, to, status, isPrivate, subject, location));
        }

        private void call(DemoUser u, Instant from, Instant to, String activity) {
            calls.computeIfAbsent(u.id(), k -> new ArrayList<>()).add(new Call(from, to, activity));
        }

        private static Instant at(Instant base, int seconds) { return base.plusSeconds(seconds); }
    }
}
