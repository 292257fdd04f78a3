package io.presencesync.application.delivery;

import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.application.port.WriteResult;
import org.junit.jupiter.api.Test;

import static io.presencesync.application.delivery.SteppedPlan.plan;
import static io.presencesync.application.delivery.SteppedPlan.retry;
import static io.presencesync.testsupport.Updates.update;
import static io.presencesync.testsupport.Updates.user;
import static org.assertj.core.api.Assertions.assertThat;

/** What a store last answered for a user, as an explanation of that user reads it from the plan. */
class UserDeliveryTest {

    final SteppedPlan store = plan().start();

    UserDelivery deliveryOf(int user) {
        return store.plan.delivery("contoso", user(user).id()).orElseThrow();
    }

    @Test
    void aWrittenUpdateIsShownWithItsVersionAndWhenTheStoreAnswered() {
        PresenceUpdate busy = update(1, 1);
        store.offer(busy);
        store.deliverDue();

        UserDelivery d = deliveryOf(1);
        assertThat(d.answered()).isEqualTo(busy);
        assertThat(d.answer()).isEqualTo(UserDelivery.Answer.WRITTEN);
        assertThat(d.answeredAt()).isEqualTo(store.now);
        assertThat(d.pending()).isNull();
        assertThat(d.failures()).isZero();
    }

    @Test
    void whileTheStoreIsDownTheNewerUpdateIsShownAsPendingNextToTheOneTheStoreLastTook() {
        store.offer(update(1, 1));
        store.deliverDue();
        store.offer(update(1, 2));
        store.send();
        store.answer(retry("connection refused"));

        UserDelivery d = deliveryOf(1);
        assertThat(d.answered()).isEqualTo(update(1, 1));
        assertThat(d.pending()).isEqualTo(update(1, 2));
        assertThat(d.failures()).isEqualTo(1);
    }

    @Test
    void aRejectedUpdateIsShownAsRejected() {
        store.offer(update(1, 1));
        store.deliverDue(u -> new WriteResult.Rejected("HTTP 400 unknown user"));
        assertThat(deliveryOf(1).answer()).isEqualTo(UserDelivery.Answer.REJECTED);
    }

    @Test
    void aUserThePlanNeverSawHasNoDelivery() {
        assertThat(store.plan.delivery("contoso", user(7).id())).isEmpty();
    }
}
