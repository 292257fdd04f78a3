package io.presencesync.application.delivery;

import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.application.port.WriteResult;
import org.junit.jupiter.api.Test;


import static io.presencesync.application.delivery.SteppedPlan.REPUBLISH;
import static io.presencesync.application.delivery.SteppedPlan.change;
import static io.presencesync.application.delivery.SteppedPlan.plan;
import static io.presencesync.application.delivery.SteppedPlan.resend;
import static io.presencesync.application.delivery.SteppedPlan.updates;
import static io.presencesync.testsupport.Updates.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a store is sent, and in which order, while it takes every write. */
class DeliveryOrderTest {

    final SteppedPlan store = plan().start();

    @Test
    void usersAreSentInTheOrderTheyChanged() {
        store.offer(update(3, 1), update(1, 1), update(2, 1));
        assertThat(store.deliverDue()).containsExactly(update(3, 1), update(1, 1), update(2, 1));
    }

    @Test
    void aUserWithSeveralChangesWhileAWriteIsUnderWayGetsOnlyTheLatest() {
        store.offer(update(1, 1));
        assertThat(store.send()).isEqualTo(change(update(1, 1)));
        for (int v = 1; v <= 5; v++) store.offer(update(2, v));
        assertThat(store.plan.state().pending()).isEqualTo(2);
        store.answer(WriteResult.WRITTEN);
        assertThat(store.deliverDue()).containsExactly(update(2, 5));
    }

    @Test
    void aVersionAtOrBelowOneTheStoreHasIsNeverSentAgain() {
        store.offer(update(1, 3));
        store.deliverDue();
        assertThat(store.offer(update(1, 2))).as("older").isFalse();
        assertThat(store.offer(update(1, 3))).as("the same").isFalse();
        assertThat(store.deliverDue()).isEmpty();
        assertThat(store.offer(update(1, 4))).isTrue();
        assertThat(store.deliverDue()).containsExactly(update(1, 4));
    }

    @Test
    void aChangeOfTheUserBeingWrittenIsSentRightAfter() {
        store.offer(update(1, 1));
        store.deliverDue();
        store.offer(update(1, 2)); // a clear
        assertThat(store.send()).isEqualTo(change(update(1, 2)));
        store.offer(update(1, 3));
        store.answer(WriteResult.WRITTEN);
        assertThat(store.deliverDue()).containsExactly(update(1, 3));
        store.advance(REPUBLISH);
        store.renew(update(1, 3));
        assertThat(store.deliverDue()).as("and re-sent later as any state").containsExactly(update(1, 3));
    }

    @Test
    void aChangeGoesBeforeABacklogOfReSends() {
        int users = 1000;
        store.reSendsDueFor(users);
        assertThat(store.send()).isEqualTo(resend(update(0, 1)));
        store.offer(update(users, 1)); // a user new to this store
        store.offer(update(500, 2)); // a user whose re-send is in the backlog
        store.answer(WriteResult.WRITTEN);
        assertThat(store.send()).isEqualTo(change(update(users, 1)));
        store.answer(WriteResult.WRITTEN);
        assertThat(store.send()).isEqualTo(change(update(500, 2)));
        store.answer(WriteResult.WRITTEN);
        // The change replaced the user's queued re-send: the older state never follows it.
        assertThat(store.deliverDue()).hasSize(users - 2).doesNotContain(update(500, 1));
    }

    @Test
    void aReSendIsTheVersionTheStoreHasAndNeverOverwritesANewerOne() {
        store.reSendsDueFor(3);
        assertThat(store.send()).isEqualTo(resend(update(0, 1)));
        store.offer(updates(3, 3));
        store.answer(WriteResult.WRITTEN);
        // User 0's change queued when its re-send was answered, behind the others.
        assertThat(store.deliverDue()).containsExactly(update(1, 3), update(2, 3), update(0, 3));
    }

    @Test
    void aRejectedUpdateIsNotRetriedButTheUsersNextChangeIsSent() {
        store.offer(update(1, 1), update(2, 1));
        PresenceUpdate rejected = update(1, 1);
        assertThat(store.deliverDue(u -> u.equals(rejected) ? new WriteResult.Rejected("HTTP 400: bad user") : WriteResult.WRITTEN))
                .hasSize(2);
        assertThat(store.deliverDue()).isEmpty();
        assertThat(store.plan.state().rejected()).isEqualTo(1);
        assertThat(store.plan.state().healthy()).isTrue();
        store.offer(update(1, 2));
        assertThat(store.deliverDue()).containsExactly(update(1, 2));
    }

    @Test
    void withOneWriteAtATimeNothingElseIsSentBeforeTheStoreAnswered() {
        store.offer(update(1, 1), update(2, 1));
        DeliveryPlan.Send first = store.send();
        assertThat(store.next()).isInstanceOf(DeliveryPlan.Wait.class);
        store.answer(first, WriteResult.WRITTEN);
        assertThat(store.send()).isEqualTo(change(update(2, 1)));
    }

    @Test
    void settlingAWriteThatIsNotUnderWayIsABug() {
        store.offer(update(1, 1));
        DeliveryPlan.Send sent = store.send();
        store.answer(sent, WriteResult.WRITTEN);
        assertThatThrownBy(() -> store.answer(sent, WriteResult.WRITTEN)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("user1@contoso.com").hasMessageContaining("to settle");
    }
}
