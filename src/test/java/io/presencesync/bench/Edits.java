package io.presencesync.bench;

import io.presencesync.adapter.demo.DemoCalendars;
import io.presencesync.adapter.demo.DemoCalendars.Appointment;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The benchmark's calendar edits (not shipped): during the window a share of the users get one busy
 * appointment created, moved, shortened or deleted, at an instant of the window, in the simulator's
 * calendars. Every edit is recorded with the instant it was applied (the audit that
 * {@link EditLatency} reads). One edit per user, so that each user's history is one calendar before
 * and one after.
 */
final class Edits {

    enum Kind { CREATE, MOVE, SHORTEN, DELETE }

    /** Which appointment: one running now that started in the last minutes, one from the past hour still running, one later today. */
    enum When { NOW, PAST_HOUR, LATER_TODAY }

    record Planned(long atMillis, String userId, Kind kind, When when, long seed) {}

    /** One applied edit: the calendar before and after, the instant the simulator began to answer with it, and what was done. */
    record Edit(String userId, Kind kind, When when, List<Appointment> before, List<Appointment> after, long appliedMillis) {}

    private Edits() {}

    /**
     * {@code percentPerMinute} % of the users per minute of [from, last), each at most once, at instants
     * spread uniformly; the kinds and whens in turn.
     */
    static List<Planned> plan(List<String> userIds, double percentPerMinute, Instant from, Instant last, long seed) {
        long span = Duration.between(from, last).toMillis();
        if (span <= 0 || percentPerMinute <= 0) return List.of();
        int count = (int) Math.min(userIds.size(), Math.round(userIds.size() * percentPerMinute / 100 * span / 60_000.0));
        Random r = new Random(seed);
        List<String> shuffled = new ArrayList<>(userIds);
        Collections.shuffle(shuffled, r);
        List<Planned> plan = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            plan.add(new Planned(from.toEpochMilli() + (long) (r.nextDouble() * span), shuffled.get(i),
                    Kind.values()[i % Kind.values().length], When.values()[(i / Kind.values().length) % When.values().length], r.nextLong()));
        }
        plan.sort(Comparator.comparingLong(Planned::atMillis));
        return plan;
    }

    /** Applies the plan in real time to the simulator's calendars; returns the audit (also filled while it runs). */
    static Thread applyInBackground(List<Planned> plan, DemoCalendars calendars, Clock clock, ConcurrentLinkedQueue<Edit> audit) {
        Thread t = new Thread(() -> {
            try {
                for (Planned p : plan) {
                    long wait;
                    while ((wait = p.atMillis() - clock.millis()) > 0) Thread.sleep(Math.min(wait, 1000));
                    audit.add(apply(p, calendars, clock));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "benchmark-edits");
        t.setDaemon(true);
        t.start();
        return t;
    }

    static Edit apply(Planned p, DemoCalendars calendars, Clock clock) {
        List<Appointment> before = calendars.appointments(p.userId());
        Instant now = clock.instant();
        Change change = change(before, p.kind(), p.when(), now, new Random(p.seed()));
        calendars.replaceAppointments(p.userId(), change.after());
        return new Edit(p.userId(), change.kind(), p.when(), before, change.after(), clock.millis());
    }

    record Change(Kind kind, List<Appointment> after) {}

    /**
     * The calendar after the edit. Moving, shortening or deleting needs a busy appointment of the right
     * time (running now for NOW and PAST_HOUR, starting at least 10 minutes ahead for LATER_TODAY);
     * where the user has none, a busy appointment of that time is created instead.
     */
    static Change change(List<Appointment> before, Kind kind, When when, Instant now, Random r) {
        Instant second = now.truncatedTo(ChronoUnit.SECONDS);
        List<Appointment> after = new ArrayList<>(before);
        Optional<Appointment> target = kind == Kind.CREATE ? Optional.empty() : target(before, when, now);
        if (target.isEmpty()) {
            Instant start = switch (when) {
                case NOW -> second;
                case PAST_HOUR -> second.minusSeconds(300 + r.nextInt(3300));
                case LATER_TODAY -> second.plusSeconds(600 + r.nextInt(8 * 3600));
            };
            Instant end = (when == When.LATER_TODAY ? start : second).plusSeconds(600 + r.nextInt(1800));
            after.add(new Appointment(start, end, DemoCalendars.BUSY, false, "Edited in", "Room Edit"));
            return new Change(Kind.CREATE, after);
        }
        Appointment a = target.get();
        after.remove(a);
        Duration length = Duration.between(a.start(), a.end());
        switch (kind) {
            case MOVE -> {
                // A running meeting moves to later today; a later one 30–120 minutes earlier or later (never into the next 5 minutes).
                Instant start = when == When.LATER_TODAY
                        ? max(a.start().plusSeconds((r.nextBoolean() ? 1 : -1) * (1800L + r.nextInt(5400))), second.plusSeconds(300))
                        : second.plusSeconds(900 + r.nextInt(2700));
                after.add(copy(a, start, start.plus(length)));
            }
            case SHORTEN -> {
                // A running meeting ends now or in a few minutes; a later one keeps half its length.
                Instant end = when == When.LATER_TODAY ? a.start().plus(length.dividedBy(2))
                        : r.nextBoolean() ? max(second, a.start().plusSeconds(1)) : second.plusSeconds(60 + r.nextInt(240));
                if (end.isBefore(a.end())) after.add(copy(a, a.start(), end));
                else after.add(a);
            }
            case DELETE -> { }
            case CREATE -> throw new IllegalStateException("unreachable");
        }
        return new Change(kind, after);
    }

    private static Optional<Appointment> target(List<Appointment> before, When when, Instant now) {
        return before.stream().filter(a -> DemoCalendars.BUSY.equals(a.status())).filter(a -> switch (when) {
            case NOW -> a.covers(now) && !a.start().isBefore(now.minus(Duration.ofMinutes(5)));
            case PAST_HOUR -> a.covers(now) && !a.start().isBefore(now.minus(Duration.ofHours(1)));
            case LATER_TODAY -> a.start().isAfter(now.plus(Duration.ofMinutes(10)));
        }).findFirst();
    }

    private static Appointment copy(Appointment a, Instant start, Instant end) {
        return new Appointment(start, end, a.status(), a.isPrivate(), a.subject(), a.location());
    }

    private static Instant max(Instant a, Instant b) { return a.isAfter(b) ? a : b; }
}
