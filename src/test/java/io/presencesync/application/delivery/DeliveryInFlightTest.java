package io.presencesync.application.delivery;

import io.presencesync.application.port.WriteResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.presencesync.application.delivery.SteppedPlan.change;
import static io.presencesync.application.delivery.SteppedPlan.plan;
import static io.presencesync.application.delivery.SteppedPlan.resend;
import static io.presencesync.application.delivery.SteppedPlan.retry;
import static io.presencesync.application.delivery.SteppedPlan.updates;
import static io.presencesync.testsupport.Updates.update;
import static org.assertj.core.api.Assertions.assertThat;

/** Several writes under way at once (a SIP publisher's PUBLISH requests): never two of one user, changes first. */
class DeliveryInFlightTest {

    final SteppedPlan store = plan().inFlight(3).start();

    @Test
    void upToMaxInFlightWritesOfDifferentUsersGoOutBeforeAnyAnswer() {
        store.offer(updates(5, 1));
        List<DeliveryPlan.Send> sent = sendAllDue();
        assertThat(sent).containsExactly(change(update(0, 1)), change(update(1, 1)), change(update(2, 1)));
        assertThat(store.plan.state().pending()).isEqualTo(5);
        store.answer(sent.get(1), WriteResult.WRITTEN);
        assertThat(sendAllDue()).as("a freed place is taken at once").containsExactly(change(update(3, 1)));
    }

    @Test
    void aRemovalNeverOvertakesThePublicationItRemoves() {
        store.offer(update(1, 1)); // BUSY
        DeliveryPlan.Send busy = store.send();
        store.offer(update(1, 2)); // NONE: the publication goes
        store.offer(update(2, 1));
        assertThat(sendAllDue()).as("the other user only").containsExactly(change(update(2, 1)));
        store.answer(busy, WriteResult.WRITTEN);
        assertThat(sendAllDue()).containsExactly(change(update(1, 2)));
    }

    @Test
    void theLatestStateOfAUserWinsWhileTheirWriteIsUnderWay() {
        store.offer(update(1, 1));
        DeliveryPlan.Send first = store.send();
        for (int v = 2; v <= 5; v++) store.offer(update(1, v));
        store.answer(first, WriteResult.WRITTEN);
        assertThat(sendAllDue()).containsExactly(change(update(1, 5)));
    }

    @Test
    void answersMayComeInAnyOrder() {
        store.offer(updates(3, 1));
        List<DeliveryPlan.Send> sent = sendAllDue();
        store.answer(sent.get(2), WriteResult.WRITTEN);
        store.answer(sent.get(0), WriteResult.WRITTEN);
        store.answer(sent.get(1), WriteResult.WRITTEN);
        assertThat(store.plan.state().delivered()).isEqualTo(3);
        assertThat(store.plan.state().pending()).isZero();
        assertThat(store.next()).isInstanceOf(DeliveryPlan.Wait.class);
    }

    @Test
    void aChangeTakesTheFirstFreePlaceBeforeABacklogOfReSends() {
        store.reSendsDueFor(10);
        List<DeliveryPlan.Send> sent = sendAllDue();
        assertThat(sent).containsExactly(resend(update(0, 1)), resend(update(1, 1)), resend(update(2, 1)));
        store.offer(update(10, 1));
        store.answer(sent.get(0), WriteResult.WRITTEN);
        assertThat(store.send()).isEqualTo(change(update(10, 1)));
    }

    @Test
    void whileTheStoreFailsOneWriteIsTriedPerPauseAndWritesUnderWayFailOnceForTheBackoff() {
        store.offer(updates(6, 1));
        List<DeliveryPlan.Send> sent = sendAllDue();
        for (DeliveryPlan.Send s : sent) store.answer(s, retry("no answer within 5000 ms"));
        // Three users failed together (the server went away): the first backoff, not the third.
        assertThat(store.next()).isEqualTo(SteppedPlan.waitUntil(store.now.plus(Duration.ofSeconds(1))));
        store.advance(Duration.ofSeconds(1));
        DeliveryPlan.Send probe = store.send();
        assertThat(store.next()).as("one write while the store fails").isInstanceOf(DeliveryPlan.Wait.class);
        store.answer(probe, WriteResult.WRITTEN);
        assertThat(store.plan.state().healthy()).isTrue();
        assertThat(sendAllDue()).as("back: as many at once as allowed").hasSize(3);
    }

    @Test
    void closingWaitsForNoWriteUnderWayOnceNoChangeIsQueued() {
        store.offer(updates(2, 1));
        List<DeliveryPlan.Send> sent = sendAllDue();
        store.plan.close(store.now, Duration.ofSeconds(5));
        assertThat(store.next()).as("a worker with nothing left to send").isInstanceOf(DeliveryPlan.Finished.class);
        store.answer(sent.get(0), retry("HTTP 503"));
        store.answer(sent.get(1), WriteResult.WRITTEN);
        assertThat(store.plan.undelivered()).isEqualTo(1);
        assertThat(store.sendWhenDue()).as("the failed change is flushed").isEqualTo(change(update(0, 1)));
    }

    /** Every write the plan gives now, none answered. */
    private List<DeliveryPlan.Send> sendAllDue() {
        List<DeliveryPlan.Send> sent = new ArrayList<>();
        for (DeliveryPlan.Step step = store.next(); step instanceof DeliveryPlan.Send s; step = store.next()) sent.add(s);
        return sent;
    }
}
