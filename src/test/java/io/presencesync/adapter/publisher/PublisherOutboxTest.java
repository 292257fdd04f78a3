package io.presencesync.adapter.publisher;

import io.presencesync.adapter.config.PublisherConfig;
import io.presencesync.application.port.DeliveryListener;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.application.port.StoreWriter;
import io.presencesync.application.port.WriteResult;
import io.presencesync.application.status.PublisherState;
import io.presencesync.testsupport.SettableClock;
import io.presencesync.testsupport.Updates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static io.presencesync.testsupport.Updates.T0;
import static io.presencesync.testsupport.Updates.update;
import static io.presencesync.testsupport.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

class PublisherOutboxTest {

    static final PublisherConfig.Delivery FAST = new PublisherConfig.Delivery(Duration.ofMinutes(10), Duration.ofMillis(10), Duration.ofMillis(40));

    final SettableClock clock = new SettableClock(T0.plusSeconds(3600));
    final List<PublisherOutbox> started = new ArrayList<>();

    /** A store in memory whose answer the test chooses; records every attempt. */
    static final class ScriptedStore implements StoreWriter {
        final List<PresenceUpdate> attempts = new CopyOnWriteArrayList<>();
        final List<PresenceUpdate> accepted = new CopyOnWriteArrayList<>();
        volatile Function<PresenceUpdate, WriteResult> answer = u -> WriteResult.WRITTEN;
        volatile CountDownLatch hold = new CountDownLatch(0);

        @Override
        public WriteResult write(PresenceUpdate update) {
            attempts.add(update);
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            WriteResult r = answer.apply(update);
            if (r instanceof WriteResult.Written) accepted.add(update);
            return r;
        }

        List<Long> acceptedVersions(int user) {
            return accepted.stream().filter(u -> u.user().equals(Updates.user(user))).map(PresenceUpdate::version).toList();
        }
    }

    PublisherOutbox outbox(ScriptedStore store, PublisherConfig.Delivery delivery, DeliveryListener listener) {
        return outbox(store, delivery, listener, clock);
    }

    PublisherOutbox outbox(ScriptedStore store, PublisherConfig.Delivery delivery, DeliveryListener listener, Clock clock) {
        PublisherOutbox o = new PublisherOutbox("test", store, delivery, true, clock, listener);
        started.add(o);
        return o;
    }

    @AfterEach
    void close() {
        started.forEach(o -> o.close(Duration.ofMillis(100)));
    }

    @Test
    void publishReturnsAtOnceWhileTheStoreHangs() {
        ScriptedStore store = new ScriptedStore();
        store.hold = new CountDownLatch(1);
        PublisherOutbox outbox = outbox(store, FAST, DeliveryListener.NONE);
        long start = System.nanoTime();
        for (int i = 0; i < 1000; i++) outbox.publish(update(i, 1));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(outbox.health().pending()).isEqualTo(1000);
        store.hold.countDown();
        await("all delivered", () -> store.accepted.size() == 1000);
    }

    @Test
    void aUserWithSeveralChangesWhileTheStoreIsBusyGetsOnlyTheLatest() {
        ScriptedStore store = new ScriptedStore();
        store.hold = new CountDownLatch(1);
        PublisherOutbox outbox = outbox(store, FAST, DeliveryListener.NONE);
        outbox.publish(update(1, 1));
        await("user 1 in flight", () -> store.attempts.size() == 1);
        for (int v = 1; v <= 5; v++) outbox.publish(update(2, v));
        assertThat(outbox.health().pending()).isEqualTo(2);
        store.hold.countDown();
        await("user 2 delivered", () -> !store.acceptedVersions(2).isEmpty());
        assertThat(store.acceptedVersions(2)).containsExactly(update(2, 5).version());
    }

    @Test
    void aStaleVersionIsNeverSentAfterANewerOne() {
        ScriptedStore store = new ScriptedStore();
        PublisherOutbox outbox = outbox(store, FAST, DeliveryListener.NONE);
        outbox.publish(update(1, 3));
        await("v3 delivered", () -> store.accepted.size() == 1);
        outbox.publish(update(1, 2));
        outbox.publish(update(1, 3));
        outbox.publish(update(1, 4));
        await("v4 delivered", () -> store.accepted.size() == 2);
        assertThat(store.acceptedVersions(1)).containsExactly(update(1, 3).version(), update(1, 4).version());
    }

    @Test
    void aDownStoreIsRetriedWithBackoffAndGetsEveryUsersLatestStateWhenBack() {
        ScriptedStore store = new ScriptedStore();
        store.answer = u -> new WriteResult.Retry("connection refused", null);
        // Backoffs of 10-40 ms pass on the system clock.
        PublisherOutbox outbox = outbox(store, FAST, DeliveryListener.NONE, Clock.systemUTC());
        for (int i = 0; i < 10; i++) outbox.publish(update(i, 1));
        await("a few retries", () -> store.attempts.size() >= 3);
        PublisherState failing = outbox.health();
        assertThat(failing.healthy()).isFalse();
        assertThat(failing.problem()).isEqualTo("connection refused");
        assertThat(failing.pending()).isEqualTo(10);
        // While it fails, one user is tried per backoff, not all of them at once.
        int tried = store.attempts.size();
        assertThat(tried).isLessThan(10 + 3);
        for (int i = 0; i < 10; i++) outbox.publish(update(i, 2));
        store.answer = u -> WriteResult.WRITTEN;
        await("all users delivered", () -> store.accepted.size() == 10);
        for (int i = 0; i < 10; i++) assertThat(store.acceptedVersions(i)).containsExactly(update(i, 2).version());
        PublisherState healthy = outbox.health();
        assertThat(healthy.healthy()).isTrue();
        assertThat(healthy.pending()).isZero();
        assertThat(healthy.lastSuccess()).isNotNull();
        assertThat(healthy.delivered()).isEqualTo(10);
    }

    @Test
    void theStoresRetryAfterIsHonouredOnTheInjectedClock() throws InterruptedException {
        ScriptedStore store = new ScriptedStore();
        store.answer = u -> store.attempts.size() == 1 ? new WriteResult.Retry("HTTP 429", Duration.ofMinutes(2)) : WriteResult.WRITTEN;
        PublisherOutbox outbox = outbox(store, FAST, DeliveryListener.NONE);
        outbox.publish(update(1, 1));
        await("first attempt", () -> store.attempts.size() == 1);
        TimeUnit.MILLISECONDS.sleep(300); // many backoffs of FAST long: only Retry-After holds it back
        assertThat(store.attempts).hasSize(1);
        clock.advance(Duration.ofMinutes(2));
        await("retried after Retry-After", () -> store.accepted.size() == 1);
    }

    @Test
    void backoffDoublesWithJitterUpToItsCap() {
        PublisherOutbox outbox = outbox(new ScriptedStore(), new PublisherConfig.Delivery(Duration.ofMinutes(10), Duration.ofSeconds(1),
                Duration.ofSeconds(30)), DeliveryListener.NONE);
        for (int i = 0; i < 50; i++) {
            assertThat(outbox.backoff(1)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
            assertThat(outbox.backoff(3)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
            assertThat(outbox.backoff(40)).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30));
        }
    }

    @Test
    void aRejectedUpdateIsNotRetriedButTheUsersNextChangeIsSent() throws InterruptedException {
        ScriptedStore store = new ScriptedStore();
        store.answer = u -> u.equals(update(1, 1)) ? new WriteResult.Rejected("HTTP 400: bad user") : WriteResult.WRITTEN;
        PublisherOutbox outbox = outbox(store, FAST, DeliveryListener.NONE);
        outbox.publish(update(1, 1));
        outbox.publish(update(2, 1));
        await("both answered", () -> store.attempts.size() == 2);
        TimeUnit.MILLISECONDS.sleep(100);
        assertThat(store.attempts).hasSize(2);
        assertThat(outbox.health().rejected()).isEqualTo(1);
        assertThat(outbox.health().healthy()).isTrue();
        outbox.publish(update(1, 2));
        await("the next change", () -> store.acceptedVersions(1).equals(List.of(update(1, 2).version())));
    }

    /** What the sync of the node that runs these users does at each calendar poll. */
    static void renewAll(PublisherOutbox outbox, int users, int version) {
        for (int i = 0; i < users; i++) outbox.renew(update(i, version));
    }

    @Test
    void aRenewedStateIsSentAgainOnceTheRepublishIntervalHasPassedAndOnlyChangesOtherwise() throws InterruptedException {
        ScriptedStore store = new ScriptedStore();
        List<DeliveryListener.Delivery> deliveries = new CopyOnWriteArrayList<>();
        PublisherOutbox outbox = outbox(store, FAST, deliveries::add);
        for (int i = 0; i < 3; i++) outbox.publish(update(i, 1));
        await("first delivery", () -> store.accepted.size() == 3);
        renewAll(outbox, 3, 1);
        clock.advance(Duration.ofMinutes(9));
        renewAll(outbox, 3, 1);
        TimeUnit.MILLISECONDS.sleep(300);
        assertThat(store.attempts).as("answered less than republishInterval ago").hasSize(3);
        clock.advance(Duration.ofMinutes(1));
        renewAll(outbox, 3, 1);
        await("re-published", () -> store.accepted.size() == 6);
        for (int i = 0; i < 3; i++) assertThat(store.acceptedVersions(i)).containsExactly(update(i, 1).version(), update(i, 1).version());
        assertThat(deliveries).extracting(DeliveryListener.Delivery::republish).containsExactly(false, false, false, true, true, true);
    }

    @Test
    void theOutboxNeverReSendsOnItsOwn() throws InterruptedException {
        // Another node may run these users now and have published newer states: only the sync names what is current.
        ScriptedStore store = new ScriptedStore();
        PublisherOutbox outbox = outbox(store, FAST, DeliveryListener.NONE);
        for (int i = 0; i < 3; i++) outbox.publish(update(i, 1));
        await("first delivery", () -> store.accepted.size() == 3);
        for (int round = 0; round < 5; round++) {
            clock.advance(FAST.republishInterval());
            TimeUnit.MILLISECONDS.sleep(50);
        }
        TimeUnit.MILLISECONDS.sleep(250);
        assertThat(store.attempts).hasSize(3);
        assertThat(outbox.rememberedUsers()).as("not named by a sync for three intervals: forgotten").isZero();
    }

    @Test
    void aStateAnotherNodePublishedIsSentAtOnceWhenThisNodesSyncNamesIt() {
        // Node A published user 1's BUSY and died before its outbox wrote it; this node runs the unit now.
        ScriptedStore store = new ScriptedStore();
        List<DeliveryListener.Delivery> deliveries = new CopyOnWriteArrayList<>();
        PublisherOutbox outbox = outbox(store, FAST, deliveries::add);
        outbox.renew(update(1, 1));
        outbox.renew(update(2, 2)); // a NONE, named once after it was published
        await("both written", () -> store.accepted.size() == 2);
        assertThat(store.accepted).containsExactly(update(1, 1), update(2, 2));
        assertThat(deliveries).extracting(DeliveryListener.Delivery::republish).containsExactly(true, true);
        outbox.renew(update(1, 1));
        outbox.publish(update(1, 3));
        await("the change", () -> store.accepted.size() == 3);
        assertThat(store.acceptedVersions(1)).containsExactly(update(1, 1).version(), update(1, 3).version());
    }

    @Test
    void aClearedUserIsKeptOneIntervalSoItsRenewalFindsItAnsweredThenForgotten() throws InterruptedException {
        ScriptedStore store = new ScriptedStore();
        PublisherOutbox outbox = outbox(store, FAST, DeliveryListener.NONE);
        for (int i = 0; i < 10; i++) outbox.publish(update(i, 1));
        for (int i = 0; i < 10; i += 2) outbox.publish(update(i, 2)); // even users: NONE
        await("first delivery", () -> outbox.health().pending() == 0 && store.accepted.size() >= 10);
        int first = store.accepted.size();
        for (int i = 0; i < 10; i++) outbox.renew(update(i, i % 2 == 0 ? 2 : 1));
        TimeUnit.MILLISECONDS.sleep(200);
        assertThat(store.accepted).as("all answered just now").hasSize(first);
        clock.advance(FAST.republishInterval().plusSeconds(1));
        await("the cleared users forgotten", () -> outbox.rememberedUsers() == 5);
        // A forgotten user's next change is sent as any other.
        outbox.publish(update(0, 3));
        await("the next change", () -> store.acceptedVersions(0).contains(update(0, 3).version()));
    }

    @Test
    void aChangeGoesBeforeABacklogOfReSendsToASlowStore() {
        int users = 1000;
        ScriptedStore store = new ScriptedStore();
        List<DeliveryListener.Delivery> deliveries = new CopyOnWriteArrayList<>();
        PublisherOutbox outbox = outbox(store, FAST, deliveries::add);
        for (int i = 0; i < users; i++) outbox.publish(update(i, 1));
        await("first delivery", () -> store.accepted.size() == users);
        store.hold = new CountDownLatch(1);
        clock.advance(FAST.republishInterval());
        renewAll(outbox, users, 1);
        await("the first re-send in flight", () -> store.attempts.size() == users + 1);
        int waiting = store.attempts.get(users).user().equals(Updates.user(500)) ? 501 : 500;
        outbox.publish(update(users, 1)); // a user new to this outbox
        outbox.publish(update(waiting, 2)); // a user whose re-send is in the backlog
        store.hold.countDown();
        await("everything sent", () -> outbox.health().pending() == 0 && store.accepted.size() == 2 * users + 1);
        assertThat(store.attempts.subList(users + 1, users + 3)).containsExactly(update(users, 1), update(waiting, 2));
        // The change superseded the user's queued re-send: the older state is not sent after it.
        assertThat(store.acceptedVersions(waiting)).containsExactly(update(waiting, 1).version(), update(waiting, 2).version());
        assertThat(deliveries.subList(users + 1, users + 3)).extracting(DeliveryListener.Delivery::republish).containsExactly(false, false);
    }

    @Test
    void aReSendIsTheVersionTheStoreAlreadyHasAndNeverOverwritesANewerOne() {
        ScriptedStore store = new ScriptedStore();
        List<DeliveryListener.Delivery> deliveries = new CopyOnWriteArrayList<>();
        PublisherOutbox outbox = outbox(store, FAST, deliveries::add);
        for (int i = 0; i < 3; i++) outbox.publish(update(i, 1));
        await("first delivery", () -> store.accepted.size() == 3);
        store.hold = new CountDownLatch(1);
        clock.advance(FAST.republishInterval());
        renewAll(outbox, 3, 1);
        await("a re-send in flight", () -> store.attempts.size() == 4);
        int inFlight = Integer.parseInt(store.attempts.get(3).user().address().replaceAll("\\D", ""));
        for (int i = 0; i < 3; i++) outbox.publish(update(i, 3));
        store.hold.countDown();
        await("the changes delivered", () -> outbox.health().pending() == 0 && store.accepted.size() == 7);
        for (int i = 0; i < 3; i++) {
            List<Long> expected = i == inFlight
                    ? List.of(update(i, 1).version(), update(i, 1).version(), update(i, 3).version())
                    : List.of(update(i, 1).version(), update(i, 3).version());
            assertThat(store.acceptedVersions(i)).as("user %d", i).isEqualTo(expected);
        }
        for (DeliveryListener.Delivery resend : deliveries.stream().filter(DeliveryListener.Delivery::republish).toList()) {
            assertThat(deliveries.subList(0, deliveries.indexOf(resend))).as("sent before as a change")
                    .anySatisfy(d -> assertThat(d.update()).isEqualTo(resend.update()));
        }
    }

    @Test
    void aUserTheStoreHoldsANewerVersionOfIsForgotten() {
        ScriptedStore store = new ScriptedStore();
        // Another node now runs user 1 and wrote a newer version.
        store.answer = u -> u.user().equals(Updates.user(1)) ? new WriteResult.Stale("stored version 9") : WriteResult.WRITTEN;
        PublisherOutbox outbox = outbox(store, FAST, DeliveryListener.NONE);
        outbox.publish(update(1, 1));
        outbox.publish(update(2, 1));
        await("both answered", () -> outbox.health().pending() == 0 && store.attempts.size() == 2);
        assertThat(outbox.rememberedUsers()).isEqualTo(1);
        assertThat(outbox.health().stale()).isEqualTo(1);
    }

    @Test
    void aChangeArrivingWhileAClearIsInFlightIsSentAndReSentLater() {
        ScriptedStore store = new ScriptedStore();
        PublisherOutbox outbox = outbox(store, FAST, DeliveryListener.NONE);
        outbox.publish(update(1, 1));
        await("delivered", () -> store.accepted.size() == 1);
        store.hold = new CountDownLatch(1);
        outbox.publish(update(1, 2));
        await("the clear in flight", () -> store.attempts.size() == 2);
        outbox.publish(update(1, 3));
        store.hold.countDown();
        await("the change delivered", () -> store.accepted.size() == 3);
        clock.advance(FAST.republishInterval());
        outbox.renew(update(1, 3));
        await("re-sent", () -> store.accepted.size() == 4);
        assertThat(store.acceptedVersions(1)).containsExactly(update(1, 1).version(), update(1, 2).version(),
                update(1, 3).version(), update(1, 3).version());
    }

    @Test
    void theListenerGetsEachTransitionsLatencyFromItsInstantToTheAcknowledgement() {
        ScriptedStore store = new ScriptedStore();
        List<DeliveryListener.Delivery> deliveries = new CopyOnWriteArrayList<>();
        PublisherOutbox outbox = outbox(store, FAST, deliveries::add);
        PresenceUpdate u = update(7, 1);
        outbox.publish(u);
        await("delivered", () -> deliveries.size() == 1);
        DeliveryListener.Delivery d = deliveries.get(0);
        assertThat(d.publisher()).isEqualTo("test");
        assertThat(d.update()).isEqualTo(u);
        assertThat(d.latency()).isEqualTo(Duration.between(u.presence().since(), clock.instant()));
    }

    @Test
    void aHangingOrFailingListenerNeverHoldsUpPublishingOrDelivery() {
        ScriptedStore store = new ScriptedStore();
        CountDownLatch listenerHangs = new CountDownLatch(1);
        PublisherOutbox outbox = outbox(store, FAST, d -> {
            if (d.update().user().equals(Updates.user(0))) {
                try {
                    listenerHangs.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("metrics broke");
            }
        });
        outbox.publish(update(0, 1));
        await("listener called", () -> store.accepted.size() == 1);
        long start = System.nanoTime();
        for (int i = 1; i < 100; i++) outbox.publish(update(i, 1));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        listenerHangs.countDown();
        await("the rest delivered", () -> store.accepted.size() == 100);
    }

    @Test
    void closingFlushesWhatIsPending() {
        ScriptedStore store = new ScriptedStore();
        store.hold = new CountDownLatch(1);
        PublisherOutbox outbox = new PublisherOutbox("test", store, FAST, true, clock, DeliveryListener.NONE);
        for (int i = 0; i < 50; i++) outbox.publish(update(i, 1));
        store.hold.countDown();
        outbox.close(Duration.ofSeconds(5));
        assertThat(store.accepted).hasSize(50);
        outbox.publish(update(99, 1));
        assertThat(outbox.health().pending()).isZero();
    }

    @Test
    void closingFlushesChangesButNotTheReSends() {
        ScriptedStore store = new ScriptedStore();
        PublisherOutbox outbox = new PublisherOutbox("test", store, FAST, true, clock, DeliveryListener.NONE);
        for (int i = 0; i < 50; i++) outbox.publish(update(i, 1));
        await("first delivery", () -> store.accepted.size() == 50);
        store.hold = new CountDownLatch(1);
        clock.advance(FAST.republishInterval());
        renewAll(outbox, 50, 1);
        await("a re-send in flight", () -> store.attempts.size() == 51);
        outbox.publish(update(99, 1));
        outbox.beginClose(Duration.ofSeconds(5));
        store.hold.countDown();
        outbox.awaitClosed(Duration.ofSeconds(5));
        assertThat(store.accepted.subList(50, store.accepted.size())).hasSize(2).contains(update(99, 1));
    }

    @Test
    void aUserTheStoreKeepsRefusingNeverHoldsUpTheOthers() {
        ScriptedStore store = new ScriptedStore();
        store.answer = u -> u.user().equals(Updates.user(0)) ? new WriteResult.Retry("HTTP 500", null) : WriteResult.WRITTEN;
        PublisherOutbox outbox = outbox(store, FAST, DeliveryListener.NONE, Clock.systemUTC());
        for (int i = 0; i < 6; i++) outbox.publish(update(i, 1));
        await("the other users delivered", () -> store.accepted.size() == 5);
        for (int i = 6; i < 20; i++) outbox.publish(update(i, 1));
        await("later users delivered too", () -> store.accepted.size() == 19);
        assertThat(outbox.health().pending()).isEqualTo(1);
        long refused = store.attempts.stream().filter(u -> u.user().equals(Updates.user(0))).count();
        assertThat(refused).as("user 0 is tried again, behind the others").isGreaterThanOrEqualTo(1);
        store.answer = u -> WriteResult.WRITTEN;
        await("user 0 delivered once the store takes it", () -> store.acceptedVersions(0).equals(List.of(update(0, 1).version())));
    }

    @Test
    void aRetryAfterOfZeroStillWaitsTheBackoff() throws InterruptedException {
        ScriptedStore store = new ScriptedStore();
        store.answer = u -> new WriteResult.Retry("HTTP 503", Duration.ZERO);
        PublisherOutbox outbox = outbox(store, new PublisherConfig.Delivery(Duration.ofMinutes(10), Duration.ofMillis(200),
                Duration.ofSeconds(1)), DeliveryListener.NONE, Clock.systemUTC());
        outbox.publish(update(1, 1));
        TimeUnit.MILLISECONDS.sleep(1000);
        assertThat(store.attempts.size()).as("one attempt per 200 ms at most, not a loop").isBetween(1, 6);
    }

    @Test
    void aUserRefusedAgainAndAgainAloneDoesNotStretchThePauseForTheNextUser() throws InterruptedException {
        ScriptedStore store = new ScriptedStore();
        store.answer = u -> u.user().equals(Updates.user(0)) ? new WriteResult.Retry("HTTP 500", null) : WriteResult.WRITTEN;
        PublisherOutbox outbox = outbox(store, new PublisherConfig.Delivery(Duration.ofMinutes(10), Duration.ofMillis(100),
                Duration.ofSeconds(4)), DeliveryListener.NONE, Clock.systemUTC());
        outbox.publish(update(0, 1));
        await("user 0 refused five times: its own backoff is seconds by now", () -> store.attempts.size() >= 5);
        int tried = store.attempts.size();
        await("user 0 just refused again", () -> store.attempts.size() > tried);
        long asked = System.nanoTime();
        outbox.publish(update(1, 1));
        await("user 1 delivered", () -> store.acceptedVersions(1).equals(List.of(update(1, 1).version())));
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).as("after a short pause, not user 0's backoff")
                .isLessThan(Duration.ofMillis(900));
    }

    @Test
    void aFailedReSendIsRetriedAsAReSendNotCountedAsATransition() {
        ScriptedStore store = new ScriptedStore();
        store.answer = u -> store.attempts.size() == 1 ? new WriteResult.Retry("timeout", null) : WriteResult.WRITTEN;
        List<DeliveryListener.Delivery> deliveries = new CopyOnWriteArrayList<>();
        PublisherOutbox outbox = outbox(store, FAST, deliveries::add, Clock.systemUTC());
        outbox.renew(update(1, 1)); // a state another node published
        await("written on the second attempt", () -> deliveries.size() == 1);
        assertThat(store.attempts).hasSize(2);
        assertThat(deliveries.get(0).republish()).as("no latency sample for a re-send").isTrue();
    }

    @Test
    void aStateTheStoreRejectedForGoodIsNotRenewed() throws InterruptedException {
        ScriptedStore store = new ScriptedStore();
        store.answer = u -> new WriteResult.Rejected("HTTP 400: unknown user");
        PublisherOutbox outbox = outbox(store, FAST, DeliveryListener.NONE);
        outbox.publish(update(1, 1));
        await("rejected", () -> outbox.health().rejected() == 1);
        clock.advance(FAST.republishInterval().plusSeconds(1));
        outbox.renew(update(1, 1));
        TimeUnit.MILLISECONDS.sleep(200);
        assertThat(store.attempts).hasSize(1);
    }
}
