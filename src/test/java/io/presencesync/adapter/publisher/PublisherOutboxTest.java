package io.presencesync.adapter.publisher;

import io.presencesync.adapter.config.PublisherConfig;
import io.presencesync.application.delivery.Backoff;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;

import static io.presencesync.testsupport.Updates.T0;
import static io.presencesync.testsupport.Updates.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The worker thread around the delivery plan (whose decisions {@code application.delivery}'s tests
 * step on a clock): it writes outside the lock, wakes for what becomes due, tells listeners, stops.
 */
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
                return new WriteResult.Retry("interrupted", null);
            }
            WriteResult r = answer.apply(update);
            if (r instanceof WriteResult.Written) accepted.add(update);
            return r;
        }
    }

    PublisherOutbox outbox(ScriptedStore store, DeliveryListener listener, Clock clock) {
        PublisherOutbox o = new PublisherOutbox("test", store, FAST, true, 1, clock, listener);
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
        PublisherOutbox outbox = outbox(store, DeliveryListener.NONE, clock);
        long start = System.nanoTime();
        for (int i = 0; i < 1000; i++) outbox.publish(update(i, 1));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(outbox.health().pending()).isEqualTo(1000);
        store.hold.countDown();
        await("all delivered").until(() -> store.accepted.size() == 1000);
    }

    @Test
    void aDownStoreIsRetriedUntilItTakesEveryUsersLatestState() {
        ScriptedStore store = new ScriptedStore();
        store.answer = u -> new WriteResult.Retry("connection refused", null);
        // Backoffs of 10-40 ms pass on the system clock.
        PublisherOutbox outbox = outbox(store, DeliveryListener.NONE, Clock.systemUTC());
        for (int i = 0; i < 10; i++) outbox.publish(update(i, 1));
        await("a few retries").until(() -> store.attempts.size() >= 3);
        PublisherState failing = outbox.health();
        assertThat(failing.healthy()).isFalse();
        assertThat(failing.problem()).isEqualTo("connection refused");
        for (int i = 0; i < 10; i++) outbox.publish(update(i, 2));
        store.answer = u -> WriteResult.WRITTEN;
        await("every user's latest state delivered").until(() -> outbox.health().pending() == 0);
        assertThat(store.accepted).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 10).mapToObj(i -> update(i, 2)).toList());
        assertThat(outbox.health().healthy()).isTrue();
    }

    @Test
    void aStoreClientThatThrowsIsTakenForAStoreThatIsDown() {
        ScriptedStore store = new ScriptedStore();
        store.answer = u -> {
            throw new IllegalStateException("pool exhausted");
        };
        PublisherOutbox outbox = outbox(store, DeliveryListener.NONE, Clock.systemUTC());
        outbox.publish(update(1, 1));
        await("retried").until(() -> store.attempts.size() >= 2);
        assertThat(outbox.health().problem()).isEqualTo("java.lang.IllegalStateException: pool exhausted");
        store.answer = u -> WriteResult.WRITTEN;
        await("delivered").until(() -> store.accepted.equals(List.of(update(1, 1))));
    }

    @Test
    void theWorkerNoticesWhenTheInjectedClockReachesTheStoresRetryAfter() {
        ScriptedStore store = new ScriptedStore();
        store.answer = u -> store.attempts.size() == 1 ? new WriteResult.Retry("HTTP 429", Duration.ofMinutes(2)) : WriteResult.WRITTEN;
        PublisherOutbox outbox = outbox(store, DeliveryListener.NONE, clock);
        outbox.publish(update(1, 1));
        await("first attempt").until(() -> outbox.health().lastFailure() != null);
        clock.advance(Duration.ofMinutes(2));
        await("retried after Retry-After").until(() -> store.accepted.size() == 1);
    }

    @Test
    void theListenerIsToldOfEachWrite() {
        ScriptedStore store = new ScriptedStore();
        List<DeliveryListener.Delivery> deliveries = new CopyOnWriteArrayList<>();
        PublisherOutbox outbox = outbox(store, deliveries::add, clock);
        outbox.publish(update(7, 1));
        await("told").until(() -> deliveries.size() == 1);
        assertThat(deliveries.get(0)).isEqualTo(new DeliveryListener.Delivery("test", update(7, 1), clock.instant(), false));
    }

    @Test
    void aHangingOrFailingListenerNeverHoldsUpPublishingOrDelivery() {
        ScriptedStore store = new ScriptedStore();
        CountDownLatch listenerHangs = new CountDownLatch(1);
        PublisherOutbox outbox = outbox(store, d -> {
            if (d.update().user().equals(Updates.user(0))) {
                try {
                    listenerHangs.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("metrics broke");
            }
        }, clock);
        outbox.publish(update(0, 1));
        await("listener called").until(() -> store.accepted.size() == 1);
        long start = System.nanoTime();
        for (int i = 1; i < 100; i++) outbox.publish(update(i, 1));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        listenerHangs.countDown();
        await("the rest delivered").until(() -> store.accepted.size() == 100);
    }

    @Test
    void closingFlushesWhatIsPendingAndStopsTheWorker() {
        ScriptedStore store = new ScriptedStore();
        store.hold = new CountDownLatch(1);
        PublisherOutbox outbox = new PublisherOutbox("flushing", store, FAST, true, 1, clock, DeliveryListener.NONE);
        for (int i = 0; i < 50; i++) outbox.publish(update(i, 1));
        store.hold.countDown();
        outbox.close(Duration.ofSeconds(5));
        assertThat(store.accepted).hasSize(50);
        assertThat(workerAlive("flushing")).isFalse();
        outbox.publish(update(99, 1));
        assertThat(outbox.health().pending()).isZero();
    }

    @Test
    void closingGivesUpAtItsDeadlineWhenTheStoreHangs() {
        ScriptedStore store = new ScriptedStore();
        store.hold = new CountDownLatch(1); // never opened
        PublisherOutbox outbox = new PublisherOutbox("hanging", store, FAST, true, 1, clock, DeliveryListener.NONE);
        outbox.publish(update(1, 1));
        long start = System.nanoTime();
        outbox.close(Duration.ofMillis(100));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        await("the worker stopped").until(() -> !workerAlive("hanging"));
    }

    @Test
    void backoffDoublesFromRetryBackoffWithJitterAndNeverExceedsItsCap() {
        Backoff backoff = PublisherOutbox.backoff(new PublisherConfig.Delivery(Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofSeconds(30)));
        List<Duration> first = IntStream.range(0, 200).mapToObj(i -> backoff.after(1)).toList();
        assertThat(first).allSatisfy(d -> assertThat(d).isBetween(Duration.ofMillis(500), Duration.ofMillis(1500)));
        assertThat(first.stream().distinct().count()).as("jitter").isGreaterThan(1);
        for (int i = 0; i < 200; i++) {
            assertThat(backoff.after(3)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(6));
            assertThat(backoff.after(6)).isBetween(Duration.ofSeconds(16), Duration.ofSeconds(30));
            assertThat(backoff.after(40)).isEqualTo(Duration.ofSeconds(30));
        }
    }

    @Test
    void severalWritesAreUnderWayAtOnceButNeverTwoOfOneUserAndTheLatestStateWins() {
        Set<String> writing = ConcurrentHashMap.newKeySet();
        AtomicInteger atOnce = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        List<String> overlaps = new CopyOnWriteArrayList<>();
        CountDownLatch hold = new CountDownLatch(1);
        List<PresenceUpdate> written = new CopyOnWriteArrayList<>();
        StoreWriter slow = update -> {
            String user = update.user().id();
            if (!writing.add(user)) overlaps.add(user);
            mostAtOnce.accumulateAndGet(atOnce.incrementAndGet(), Math::max);
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            atOnce.decrementAndGet();
            writing.remove(user);
            written.add(update);
            return WriteResult.WRITTEN;
        };
        PublisherOutbox outbox = new PublisherOutbox("parallel", slow, FAST, true, 4, clock, DeliveryListener.NONE);
        started.add(outbox);
        for (int i = 0; i < 20; i++) outbox.publish(update(i, 1));
        await("four writes under way").until(() -> atOnce.get() == 4);
        for (int v = 2; v <= 4; v++) outbox.publish(update(0, v)); // user 0 is being written: these wait, the latest wins
        hold.countDown();
        await("every user's latest state written").until(() -> outbox.health().pending() == 0);
        assertThat(mostAtOnce.get()).isEqualTo(4);
        assertThat(overlaps).as("users written twice at once").isEmpty();
        assertThat(written.stream().filter(u -> u.user().equals(Updates.user(0))).toList()).containsExactly(update(0, 1), update(0, 4));
        assertThat(written).hasSize(21);
        assertThat(workerAlive("parallel")).isTrue();
        outbox.close(Duration.ofSeconds(1));
        assertThat(workerAlive("parallel")).as("every worker stopped").isFalse();
    }

    /** Whether a worker of the publisher runs (one is named publisher-NAME, several publisher-NAME-0, -1, …). */
    static boolean workerAlive(String publisher) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> (t.getName().equals("publisher-" + publisher) || t.getName().startsWith("publisher-" + publisher + "-")) && t.isAlive());
    }
}
