package io.presencesync.application.delivery;

import io.presencesync.application.port.WriteResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.IntStream;

import static io.presencesync.application.delivery.SteppedPlan.REPUBLISH;
import static io.presencesync.application.delivery.SteppedPlan.change;
import static io.presencesync.application.delivery.SteppedPlan.plan;
import static io.presencesync.application.delivery.SteppedPlan.resend;
import static io.presencesync.application.delivery.SteppedPlan.updates;
import static io.presencesync.application.delivery.SteppedPlan.waitUntil;
import static io.presencesync.testsupport.Updates.update;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Re-sends come from the sync of the node that runs the users ({@code renew} at each calendar
 * poll), never from the plan's memory; users nobody names any more are forgotten.
 */
class DeliveryRenewalTest {

    final SteppedPlan store = plan().start();

    @Test
    void aRenewedStateIsSentAgainOnlyOnceTheRepublishIntervalHasPassed() {
        store.offer(updates(3, 1));
        store.deliverDue();
        store.renew(updates(3, 1));
        store.advance(REPUBLISH.minusMinutes(1));
        store.renew(updates(3, 1));
        assertThat(store.deliverDue()).as("answered less than republishInterval ago").isEmpty();
        store.advance(Duration.ofMinutes(1));
        store.renew(updates(3, 1));
        assertThat(store.deliverDue(u -> WriteResult.WRITTEN)).containsExactly(resend(update(0, 1)), resend(update(1, 1)), resend(update(2, 1)));
    }

    @Test
    void aReSendIsToldToListenersAsARepublish() {
        store.renew(update(1, 1));
        store.send();
        assertThat(store.answer(WriteResult.WRITTEN)).hasValueSatisfying(d -> assertThat(d.republish()).isTrue());
    }

    @Test
    void thePlanNeverReSendsOnItsOwnAndForgetsUsersNotNamedForThreeIntervals() {
        // Another node may run these users now and have published newer states: only the sync names what is current.
        Instant start = store.now;
        store.offer(updates(3, 1));
        store.deliverDue();
        for (int interval = 1; interval <= 3; interval++) {
            assertThat(store.next()).isEqualTo(waitUntil(start.plus(REPUBLISH.multipliedBy(interval))));
            store.advance(REPUBLISH);
        }
        assertThat(store.next()).isEqualTo(waitUntil(start.plus(REPUBLISH.multipliedBy(4))));
        assertThat(store.plan.rememberedUsers()).as("named three intervals ago: still remembered").isEqualTo(3);
        store.advance(REPUBLISH);
        assertThat(store.next()).isEqualTo(waitUntil(start.plus(REPUBLISH.multipliedBy(5))));
        assertThat(store.plan.rememberedUsers()).isZero();
        assertThat(store.events()).containsExactly(new DeliveryEvent.IdleUsersForgotten(3));
    }

    @Test
    void aStateAnotherNodePublishedIsSentAtOnceWhenThisNodesSyncNamesIt() {
        // Node A published user 1's BUSY and user 2's NONE and died before its outbox wrote them; this node runs the unit now.
        store.renew(update(1, 1), update(2, 2));
        assertThat(store.deliverDue(u -> WriteResult.WRITTEN)).containsExactly(resend(update(1, 1)), resend(update(2, 2)));
        store.renew(update(1, 1));
        store.offer(update(1, 3));
        assertThat(store.deliverDue(u -> WriteResult.WRITTEN)).containsExactly(change(update(1, 3)));
    }

    @Test
    void aClearedUserIsKeptOneIntervalSoItsRenewalFindsItAnsweredThenForgotten() {
        store.advance(REPUBLISH.minusSeconds(1)); // just before the plan's first look for idle users
        store.offer(updates(10, 1));
        IntStream.range(0, 10).filter(i -> i % 2 == 0).forEach(i -> store.offer(update(i, 2))); // even users: NONE
        store.deliverDue();
        store.advance(Duration.ofSeconds(1));
        store.next();
        IntStream.range(0, 10).forEach(i -> store.renew(update(i, i % 2 == 0 ? 2 : 1)));
        assertThat(store.deliverDue()).as("all answered a second ago, the cleared users too").isEmpty();
        store.advance(REPUBLISH);
        store.next();
        assertThat(store.plan.rememberedUsers()).as("the cleared users forgotten").isEqualTo(5);
        store.offer(update(0, 3));
        assertThat(store.deliverDue()).as("a forgotten user's next change is sent as any other").containsExactly(update(0, 3));
    }

    @Test
    void aUserTheStoreHoldsANewerVersionOfIsForgotten() {
        // Another node now runs user 1 and wrote a newer version.
        store.offer(update(1, 1), update(2, 1));
        store.deliverDue(u -> u.equals(update(1, 1)) ? new WriteResult.Stale("stored version 9") : WriteResult.WRITTEN);
        assertThat(store.plan.rememberedUsers()).isEqualTo(1);
        assertThat(store.plan.state().stale()).isEqualTo(1);
        assertThat(store.events()).containsExactly(new DeliveryEvent.Stale(update(1, 1), "stored version 9"));
    }

    @Test
    void aStateTheStoreRejectedForGoodIsNotRenewed() {
        store.offer(update(1, 1));
        store.deliverDue(u -> new WriteResult.Rejected("HTTP 400: unknown user"));
        store.advance(REPUBLISH.plusSeconds(1));
        assertThat(store.renew(update(1, 1))).isFalse();
        assertThat(store.deliverDue()).isEmpty();
    }

    @Test
    void aStoreThatKeepsWhatItWasGivenIsSentChangesOnly() {
        SteppedPlan embedded = plan().withoutRenewals().start();
        assertThat(embedded.renew(update(1, 1))).isFalse();
        assertThat(embedded.deliverDue()).isEmpty();
        embedded.offer(update(1, 3));
        embedded.deliverDue();
        embedded.advance(REPUBLISH.multipliedBy(2));
        embedded.renew(update(1, 3));
        assertThat(embedded.deliverDue()).isEmpty();
    }
}
