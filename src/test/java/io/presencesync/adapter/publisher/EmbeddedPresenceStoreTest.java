package io.presencesync.adapter.publisher;

import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.domain.EventPresence;
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
    static final Instant NINE = Instant.parse("2026-11-30T09:00:00Z");
    static final Instant HALF_PAST = Instant.parse("2026-11-30T09:30:00Z");

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final EmbeddedPresenceStore store = new EmbeddedPresenceStore();

    EmbeddedPresenceStoreTest() {
        Clock clock = Clock.fixed(NINE, ZoneOffset.UTC);
        store.addListener(new ChangeLine(new PrintStream(out, true, StandardCharsets.UTF_8), clock, ZoneOffset.UTC));
    }

    static PresenceUpdate update(EventPresence presence, long version) {
        return new PresenceUpdate("contoso", ANNA, presence, version);
    }

    String printed() { return out.toString(StandardCharsets.UTF_8); }

    @Test
    void aStaleOrRepeatedUpdateIsIgnored() {
        store.publish(update(new EventPresence(Reason.CALENDAR_BUSY, NINE, HALF_PAST), 2));
        store.publish(update(EventPresence.none(NINE, null), 1));
        store.publish(update(EventPresence.none(NINE, null), 2));
        assertThat(store.get("contoso", ANNA.id())).get().satisfies(u -> assertThat(u.presence().reason()).isEqualTo(Reason.CALENDAR_BUSY));
        assertThat(printed().lines()).hasSize(1);
    }

    @Test
    void eachChangeIsOneReadableLineWithTimeUserOldNewReasonAndEnd() {
        store.publish(update(EventPresence.none(NINE, NINE), 1));
        store.publish(update(new EventPresence(Reason.CALENDAR_BUSY, NINE, HALF_PAST), 2));
        store.publish(update(new EventPresence(Reason.CALL, NINE, null), 3));
        assertThat(printed().lines()).containsExactly(
                "09:00:00  anna.schmidt@contoso.demo          none  → BUSY  in a meeting (CALENDAR_BUSY), until 09:30:00",
                "09:00:00  anna.schmidt@contoso.demo          BUSY  → BUSY  in a call (CALL)");
    }

    @Test
    void anAbsenceBeyondTodayShowsItsDays() {
        store.publish(update(new EventPresence(Reason.CALENDAR_OOF, Instant.parse("2026-11-29T23:00:00Z"),
                Instant.parse("2026-12-01T23:00:00Z")), 1));
        store.publish(update(EventPresence.none(Instant.parse("2026-12-01T23:00:00Z"), Instant.parse("2026-12-02T08:00:00Z")), 2));
        assertThat(printed().lines()).containsExactly(
                "09:00:00  anna.schmidt@contoso.demo          -     → AWAY  out of office (CALENDAR_OOF), since Sun 29 Nov 23:00, until Tue 1 Dec 23:00",
                "09:00:00  anna.schmidt@contoso.demo          AWAY  → none, until Wed 2 Dec 08:00");
    }
}
