package io.presencesync.adapter.publisher;

import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.ManualPresence;
import io.presencesync.domain.PresenceState;
import io.presencesync.domain.Profile;
import io.presencesync.domain.Reason;
import io.presencesync.domain.User;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedPresenceStoreTest {

    static final User ANNA = new User("id-anna", "anna.schmidt@contoso.demo");
    static final Instant EIGHT = Instant.parse("2026-11-30T08:00:00Z");
    static final Instant NINE = Instant.parse("2026-11-30T09:00:00Z");
    static final Instant HALF_PAST = Instant.parse("2026-11-30T09:30:00Z");
    static final Profile FORWARDING = new Profile(null, "mobile", "Working from home", "+49 170 0000000");

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final EmbeddedPresenceStore store = new EmbeddedPresenceStore();

    EmbeddedPresenceStoreTest() {
        Clock clock = Clock.fixed(NINE, ZoneOffset.UTC);
        store.addListener(ChangeLine.text(new PrintStream(out, true, StandardCharsets.UTF_8), clock, ZoneOffset.UTC));
    }

    void publish(EventPresence presence, long version) {
        store.publish(new PresenceUpdate("contoso", ANNA, presence, version));
    }

    String printed() { return out.toString(StandardCharsets.UTF_8); }

    @Test
    void aStaleOrRepeatedUpdateIsIgnored() {
        publish(new EventPresence(Reason.CALENDAR_BUSY, NINE, HALF_PAST), 2);
        publish(EventPresence.none(NINE, null), 1);
        publish(EventPresence.none(NINE, null), 2);
        assertThat(store.get("contoso", ANNA.id()).orElseThrow().eventPresence().reason()).isEqualTo(Reason.CALENDAR_BUSY);
        assertThat(printed().lines()).hasSize(1);
    }

    @Test
    void eachChangeIsOneReadableLineWithTimeUserOldNewReasonAndEnd() {
        publish(EventPresence.none(NINE, NINE), 1);
        publish(new EventPresence(Reason.CALENDAR_BUSY, NINE, HALF_PAST), 2);
        publish(new EventPresence(Reason.CALL, NINE, null), 3);
        assertThat(printed().lines()).containsExactly(
                "09:00:00  anna.schmidt@contoso.demo          NOT_AVAILABLE → BUSY  in a meeting (CALENDAR_BUSY), until 09:30:00",
                "09:00:00  anna.schmidt@contoso.demo          BUSY          → BUSY  in a call (CALL)");
    }

    @Test
    void aMeetingSuspendsTheProfileOfTheManualPresenceAndItsEndAppliesItAgain() {
        store.setManual("contoso", ANNA, new ManualPresence(PresenceState.AVAILABLE, FORWARDING, EIGHT));
        publish(new EventPresence(Reason.CALENDAR_BUSY, NINE, HALF_PAST), 1);
        assertThat(store.get("contoso", ANNA.id()).orElseThrow().effective().profile()).isNull();
        publish(EventPresence.none(HALF_PAST, null), 2);
        assertThat(store.get("contoso", ANNA.id()).orElseThrow().effective().profile()).isEqualTo(FORWARDING);
        assertThat(printed().lines()).containsExactly(
                "09:00:00  anna.schmidt@contoso.demo          AVAILABLE     → BUSY  in a meeting (CALENDAR_BUSY), until 09:30:00; profile suspended",
                "09:00:00  anna.schmidt@contoso.demo          BUSY          → AVAILABLE; profile applies again");
    }

    @Test
    void anAbsenceBeyondTodayShowsItsDays() {
        publish(new EventPresence(Reason.CALENDAR_OOF, Instant.parse("2026-11-29T23:00:00Z"), Instant.parse("2026-12-01T23:00:00Z")), 1);
        assertThat(printed().lines()).containsExactly(
                "09:00:00  anna.schmidt@contoso.demo          -             → AWAY  out of office (CALENDAR_OOF), since Sun 29 Nov 23:00, until Tue 1 Dec 23:00");
    }

    @Test
    void listenersSeeEachUsersChangesInTheOrderTheyWereMadeEvenFromTwoThreads() throws InterruptedException {
        java.util.Map<String, EmbeddedPresenceStore.Entry> lastSeen = new java.util.concurrent.ConcurrentHashMap<>();
        store.addListener((tenant, user, before, after) -> lastSeen.put(user.id(), after));
        for (int round = 0; round < 200; round++) {
            int r = round;
            Thread events = new Thread(() -> publish(new EventPresence(Reason.CALENDAR_BUSY, NINE, HALF_PAST), r + 1));
            Thread manual = new Thread(() -> store.setManual("contoso", ANNA, new ManualPresence(
                    r % 2 == 0 ? PresenceState.AWAY : PresenceState.AVAILABLE, null, EIGHT.plusSeconds(r))));
            events.start();
            manual.start();
            events.join();
            manual.join();
            assertThat(lastSeen.get(ANNA.id())).as("round %d: the last change a listener saw is the store's", r)
                    .isEqualTo(store.get("contoso", ANNA.id()).orElseThrow());
        }
    }
}
