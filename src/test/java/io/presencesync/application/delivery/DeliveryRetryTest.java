package io.presencesync.application.delivery;

import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.application.port.WriteResult;
import io.presencesync.application.status.PublisherState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static io.presencesync.application.delivery.SteppedPlan.RETRY_BACKOFF;
import static io.presencesync.application.delivery.SteppedPlan.change;
import static io.presencesync.application.delivery.SteppedPlan.plan;
import static io.presencesync.application.delivery.SteppedPlan.resend;
import static io.presencesync.application.delivery.SteppedPlan.retry;
import static io.presencesync.application.delivery.SteppedPlan.retryAfter;
import static io.presencesync.application.delivery.SteppedPlan.updates;
import static io.presencesync.application.delivery.SteppedPlan.waitUntil;
import static io.presencesync.testsupport.Updates.update;
import static org.assertj.core.api.Assertions.assertThat;

/** A store that cannot take writes for a while: who is tried, and when (backoff 1 s, 2 s, 4 s, …). */
class DeliveryRetryTest {

    static final Duration JUST_BEFORE = Duration.ofMillis(1);

    final SteppedPlan store = plan().start();

    /**
     * Steps to {@code due} through every instant the plan names: nothing is sent on the way, nor a moment
     * before it, and at last the worker is told to sleep until exactly then.
     */
    void nothingIsSentBefore(Instant due) {
        for (DeliveryPlan.Step step = store.next(); !step.equals(waitUntil(due)); step = store.next()) {
            assertThat(step).as("at %s, before %s", store.now, due).isInstanceOf(DeliveryPlan.Wait.class);
            Instant until = ((DeliveryPlan.Wait) step).until();
            assertThat(until).isBefore(due);
            store.advanceTo(until);
        }
        store.advanceTo(due.minus(JUST_BEFORE));
        assertThat(store.next()).as("a moment before %s", due).isEqualTo(waitUntil(due));
        store.advanceTo(due);
    }

    @Test
    void aDownStoreIsTriedOneUserPerPauseGrowingWhileDifferentUsersFailAndGetsEveryonesLatestWhenBack() {
        store.offer(updates(10, 1));
        Instant due = store.now;
        for (int i = 0; i < 3; i++) {
            assertThat(store.send()).isEqualTo(change(update(i, 1)));
            store.answer(retry("connection refused"));
            due = store.now.plus(RETRY_BACKOFF.multipliedBy(1L << i));
            nothingIsSentBefore(due);
        }
        PublisherState failing = store.plan.state();
        assertThat(failing.healthy()).isFalse();
        assertThat(failing.problem()).isEqualTo("connection refused");
        assertThat(failing.lastFailure()).isEqualTo(due.minusSeconds(4));
        assertThat(failing.pending()).isEqualTo(10);
        store.offer(updates(10, 2));

        assertThat(store.deliverDue()).containsExactlyInAnyOrder(updates(10, 2));
        PublisherState back = store.plan.state();
        assertThat(back.healthy()).isTrue();
        assertThat(back.problem()).isNull();
        assertThat(back.pending()).isZero();
        assertThat(back.lastSuccess()).isEqualTo(due);
        assertThat(back.delivered()).isEqualTo(10);
        assertThat(store.events()).containsExactly(
                new DeliveryEvent.StoreFailing(update(0, 1), "connection refused", 10),
                new DeliveryEvent.StoreBack(3, 10));
    }

    @Test
    void theStoresRetryAfterIsHonouredToTheInstant() {
        store.offer(update(1, 1));
        store.send();
        store.answer(retryAfter(Duration.ofMinutes(2)));
        nothingIsSentBefore(store.now.plus(Duration.ofMinutes(2)));
        assertThat(store.deliverDue()).containsExactly(update(1, 1));
    }

    @Test
    void aRetryAfterLongerThanFifteenMinutesWaitsFifteen() {
        store.offer(update(1, 1));
        store.send();
        store.answer(retryAfter(Duration.ofHours(2)));
        nothingIsSentBefore(store.now.plus(DeliveryPlan.MAX_RETRY_AFTER));
        assertThat(store.deliverDue()).containsExactly(update(1, 1));
    }

    @Test
    void aRetryAfterOfZeroStillWaitsTheBackoffSoItNeverLoops() {
        store.offer(update(1, 1));
        store.send();
        store.answer(retryAfter(Duration.ZERO));
        nothingIsSentBefore(store.now.plus(RETRY_BACKOFF));
        store.send();
        store.answer(retryAfter(Duration.ofMillis(1)));
        nothingIsSentBefore(store.now.plus(RETRY_BACKOFF));
    }

    @Test
    void aUserTheStoreKeepsRefusingNeverHoldsUpTheOthers() {
        PresenceUpdate refused = update(0, 1);
        store.offer(updates(6, 1));
        store.send();
        store.answer(retry("HTTP 500"));
        store.advance(RETRY_BACKOFF);
        // The others first; the refused user, due again too, is tried behind them.
        assertThat(store.deliverDue(u -> u.equals(refused) ? retry("HTTP 500") : WriteResult.WRITTEN)).extracting(DeliveryPlan.Send::update)
                .containsExactly(update(1, 1), update(2, 1), update(3, 1), update(4, 1), update(5, 1), refused);
        store.offer(updates(6, 20, 1));
        // A short pause for everyone, while the refused user waits out a longer backoff of its own.
        nothingIsSentBefore(store.now.plus(RETRY_BACKOFF));
        assertThat(store.deliverDue()).hasSize(14).doesNotContain(refused);
        assertThat(store.plan.state().pending()).isEqualTo(1);
        nothingIsSentBefore(store.now.plus(RETRY_BACKOFF));
        assertThat(store.deliverDue()).containsExactly(refused);
    }

    @Test
    void aUserRefusedAgainAndAgainAloneDoesNotStretchThePauseForTheNextUser() {
        store.offer(update(0, 1));
        for (int refusals = 1; refusals <= 5; refusals++) {
            assertThat(store.sendWhenDue().update()).isEqualTo(update(0, 1));
            store.answer(retry("HTTP 500"));
        }
        // The user's own backoff is 16 s by now; the store's pause is still the first one.
        store.offer(update(1, 1));
        nothingIsSentBefore(store.now.plus(RETRY_BACKOFF));
        assertThat(store.send()).isEqualTo(change(update(1, 1)));
    }

    @Test
    void aFailedReSendIsRetriedAsAReSendNotCountedAsATransition() {
        store.renew(update(1, 1)); // a state another node published
        assertThat(store.send()).isEqualTo(resend(update(1, 1)));
        store.answer(retry("timeout"));
        store.advance(RETRY_BACKOFF);
        assertThat(store.send()).isEqualTo(resend(update(1, 1)));
        assertThat(store.answer(WriteResult.WRITTEN)).hasValueSatisfying(d -> assertThat(d.republish()).as("no latency sample").isTrue());
    }

    @Test
    void aReSendTheStoreKeepsRefusingBacksOffAloneToo() {
        store.renew(update(0, 1));
        store.send();
        store.answer(retry("HTTP 500"));
        store.advance(RETRY_BACKOFF);
        store.send();
        store.answer(retry("HTTP 500"));
        // Its second failure in a row: two seconds of its own, though the store's pause is one.
        nothingIsSentBefore(store.now.plus(RETRY_BACKOFF.multipliedBy(2)));
        assertThat(store.send()).isEqualTo(resend(update(0, 1)));
    }

    @Test
    void theStoreIsFailingFromAFailedWriteUntilTheNextAnsweredOne() {
        store.offer(update(1, 1), update(2, 1));
        store.send();
        store.answer(retry("timeout"));
        assertThat(store.plan.state().healthy()).isFalse();
        store.advance(RETRY_BACKOFF);
        store.send();
        store.answer(new WriteResult.Stale("stored version 9"));
        PublisherState state = store.plan.state();
        assertThat(state.healthy()).as("a stale answer is an answer").isTrue();
        assertThat(state.lastFailure()).as("still shown").isEqualTo(store.now.minus(RETRY_BACKOFF));
        assertThat(state.problem()).isNull();
    }
}
