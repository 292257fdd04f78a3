package io.presencesync.application.delivery;

import io.presencesync.application.port.WriteResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static io.presencesync.application.delivery.SteppedPlan.RETRY_BACKOFF;
import static io.presencesync.application.delivery.SteppedPlan.plan;
import static io.presencesync.application.delivery.SteppedPlan.retry;
import static io.presencesync.application.delivery.SteppedPlan.retryAfter;
import static io.presencesync.application.delivery.SteppedPlan.updates;
import static io.presencesync.application.delivery.SteppedPlan.waitUntil;
import static io.presencesync.testsupport.Updates.update;
import static org.assertj.core.api.Assertions.assertThat;

/** At shutdown the changes are flushed to the store, within a deadline; nothing new is taken. */
class DeliveryClosingTest {

    static final Duration FLUSH = Duration.ofSeconds(5);
    static final DeliveryPlan.Finished FINISHED = new DeliveryPlan.Finished();

    final SteppedPlan store = plan().start();

    @Test
    void closingFlushesWhatIsPendingThenFinishes() {
        store.offer(updates(50, 1));
        store.plan.close(store.now, FLUSH);
        assertThat(store.deliverDue()).hasSize(50);
        assertThat(store.next()).isEqualTo(FINISHED);
        assertThat(store.plan.undelivered()).isZero();
    }

    @Test
    void closingFlushesTheChangesButNotTheReSends() {
        store.reSendsDueFor(50);
        store.send(); // a re-send under way
        store.offer(update(99, 1));
        store.plan.close(store.now, FLUSH);
        store.answer(WriteResult.WRITTEN);
        assertThat(store.deliverDue()).containsExactly(update(99, 1));
        assertThat(store.next()).isEqualTo(FINISHED);
        assertThat(store.plan.undelivered()).as("re-sends left are no loss").isZero();
    }

    @Test
    void closingGivesUpAtTheFlushDeadlineWhileTheStoreIsDown() {
        store.offer(update(1, 1), update(2, 1));
        Instant deadline = store.now.plus(FLUSH);
        store.plan.close(store.now, FLUSH);
        store.send();
        store.answer(retryAfter(Duration.ofMinutes(1)));
        assertThat(store.next()).as("not the store's minute").isEqualTo(waitUntil(deadline));
        store.advanceTo(deadline.minusMillis(1));
        assertThat(store.next()).isEqualTo(waitUntil(deadline));
        store.advanceTo(deadline);
        assertThat(store.next()).isEqualTo(FINISHED);
        assertThat(store.plan.undelivered()).isEqualTo(2);
    }

    @Test
    void whileClosingAUserBackingOffIsTriedWhenDueIfBeforeTheDeadline() {
        store.offer(update(1, 1));
        store.plan.close(store.now, FLUSH);
        store.send();
        store.answer(retry("timeout"));
        assertThat(store.next()).isEqualTo(waitUntil(store.now.plus(RETRY_BACKOFF)));
        store.advance(RETRY_BACKOFF);
        assertThat(store.deliverDue()).containsExactly(update(1, 1));
        assertThat(store.next()).isEqualTo(FINISHED);
    }

    @Test
    void anUpdateAfterClosingIsNotTakenAndToldOnce() {
        store.plan.close(store.now, FLUSH);
        assertThat(store.offer(update(1, 1))).isFalse();
        assertThat(store.offer(update(2, 1))).isFalse();
        assertThat(store.renew(update(3, 1))).isFalse();
        assertThat(store.plan.state().pending()).isZero();
        assertThat(store.next()).isEqualTo(FINISHED);
        assertThat(store.events()).containsExactly(new DeliveryEvent.UpdateAfterClose(update(1, 1)));
    }
}
