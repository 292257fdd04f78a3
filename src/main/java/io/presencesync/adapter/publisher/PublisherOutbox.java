package io.presencesync.adapter.publisher;

import io.github.resilience4j.core.IntervalFunction;
import io.presencesync.adapter.config.PublisherConfig;
import io.presencesync.application.delivery.Backoff;
import io.presencesync.application.delivery.DeliveryEvent;
import io.presencesync.application.delivery.DeliveryPlan;
import io.presencesync.application.delivery.DeliveryPolicy;
import io.presencesync.application.delivery.UserDelivery;
import io.presencesync.application.port.DeliveryListener;
import io.presencesync.application.port.PresencePublisher;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.application.port.StoreWriter;
import io.presencesync.application.port.WriteResult;
import io.presencesync.application.status.PublisherState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * One publisher's delivery workers: threads that do what its {@link DeliveryPlan} decides, as many
 * as writes may be in flight at once (one for most stores; see {@code maxInFlight}). {@link
 * #publish} only records the update and returns; a worker writes to the store outside the lock,
 * so a slow or down store never delays the sync or another store, and tells listeners and logs
 * outside it too, so neither holds up {@link #publish}.
 */
public final class PublisherOutbox implements PresencePublisher, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PublisherOutbox.class);
    /** How long the worker sleeps at most before it looks at the clock again (an injected clock may jump). */
    private static final Duration CLOCK_CHECK = Duration.ofMillis(200);

    private final String name;
    private final StoreWriter writer;
    private final Clock clock;
    private final DeliveryListener listener;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final DeliveryPlan plan;
    /**
     * Counts what may have made a write due (an offer, a renewal, a write handed out): a worker that
     * saw another count than now asks the plan again instead of sleeping (guarded by the lock).
     */
    private long wakes;
    private final List<Thread> workers = new ArrayList<>();

    /**
     * @param republish   false for a store that cannot lose its data while the service runs (the
     *                    embedded one): then only changes are sent
     * @param maxInFlight how many writes of different users may be under way at once: that many
     *                    workers call {@code writer} at the same time (it must be thread-safe when above 1)
     */
    public PublisherOutbox(String name, StoreWriter writer, PublisherConfig.Delivery delivery, boolean republish, int maxInFlight,
                           Clock clock, DeliveryListener listener) {
        this.name = name;
        this.writer = writer;
        this.clock = clock;
        this.listener = listener;
        this.plan = new DeliveryPlan(name, new DeliveryPolicy(delivery.republishInterval(), delivery.retryBackoff(), backoff(delivery),
                republish, maxInFlight), clock.instant());
        for (int i = 0; i < maxInFlight; i++) {
            Thread worker = new Thread(this::run, maxInFlight == 1 ? "publisher-" + name : "publisher-" + name + "-" + i);
            worker.setDaemon(true);
            workers.add(worker);
        }
        workers.forEach(Thread::start);
    }

    /**
     * Exponential from {@code retryBackoff}, doubling, with ±50 % jitter, never above {@code
     * maxRetryBackoff}: Resilience4j's interval function, the one backoff of the service.
     */
    static Backoff backoff(PublisherConfig.Delivery delivery) {
        IntervalFunction interval = IntervalFunction.ofExponentialRandomBackoff(delivery.retryBackoff(), 2.0, 0.5,
                delivery.maxRetryBackoff());
        return failures -> Duration.ofMillis(interval.apply(failures));
    }

    public String name() { return name; }

    @Override
    public void publish(PresenceUpdate update) {
        decide(() -> plan.offer(update, clock.instant()));
    }

    @Override
    public void renew(PresenceUpdate current) {
        decide(() -> plan.renew(current, clock.instant()));
    }

    public PublisherState health() { return locked(plan::state); }

    /** What this store last answered for the user and what waits; read-only. */
    public Optional<UserDelivery> delivery(String tenant, String userId) { return locked(() -> plan.delivery(tenant, userId)); }

    /** How many users the outbox remembers: those with an event presence to renew or a write pending. */
    int rememberedUsers() { return locked(plan::rememberedUsers); }

    /** Stops taking updates and flushes what is pending for at most {@code flush}, then closes the store client. */
    public void close(Duration flush) {
        beginClose(flush);
        awaitClosed(flush);
    }

    @Override
    public void close() { close(Duration.ofSeconds(5)); }

    void beginClose(Duration flush) {
        decide(() -> {
            plan.close(clock.instant(), flush);
            changed.signalAll(); // every worker: each finishes, or flushes
            return true;
        });
    }

    void awaitClosed(Duration flush) {
        long deadline = System.nanoTime() + flush.plusSeconds(1).toNanos();
        try {
            for (Thread worker : workers) worker.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.forEach(Thread::interrupt);
        int left = locked(plan::undelivered);
        if (left > 0) log.warn("publisher {}: closed with {} user(s) not delivered", name, left);
        try {
            writer.close();
        } catch (Exception e) {
            log.warn("publisher {}: closing the store client failed: {}", name, e.toString());
        }
    }

    /** Runs {@code due} on the plan under the lock, wakes the worker when it says so, and logs outside the lock. */
    private void decide(BooleanSupplier due) {
        List<DeliveryEvent> events;
        lock.lock();
        try {
            if (due.getAsBoolean()) {
                wakes++;
                // One sleeping worker; if it gets a write and more are due, it wakes the next.
                changed.signal();
            }
            events = plan.takeEvents();
        } finally {
            lock.unlock();
        }
        DeliveryLog.log(name, events);
    }

    private void run() {
        DeliveryPlan.Send sent = null; // this worker's last write, to settle with the store's answer
        WriteResult answer = null;
        try {
            while (true) {
                Optional<DeliveryListener.Delivery> delivered = Optional.empty();
                DeliveryPlan.Step step;
                List<DeliveryEvent> events;
                long seen;
                lock.lock();
                try {
                    Instant now = clock.instant();
                    if (sent != null) delivered = plan.settle(sent, answer, now);
                    seen = wakes;
                    step = plan.next(now);
                    if (step instanceof DeliveryPlan.Send && workers.size() > 1) {
                        // More may be due, and a place may be free: the next sleeping worker asks.
                        wakes++;
                        changed.signal();
                    }
                    events = plan.takeEvents();
                } finally {
                    lock.unlock();
                }
                delivered.ifPresent(this::tell);
                DeliveryLog.log(name, events);
                sent = null;
                answer = null;
                if (step instanceof DeliveryPlan.Finished) return;
                if (step instanceof DeliveryPlan.Send send) {
                    answer = write(send.update());
                    sent = send;
                } else {
                    sleepUntil(((DeliveryPlan.Wait) step).until(), seen);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("publisher {}: delivery worker stopped by a bug", name, e);
        }
    }

    /** A store client that throws is taken for an unreachable store. */
    private WriteResult write(PresenceUpdate update) {
        try {
            return writer.write(update);
        } catch (RuntimeException e) {
            return new WriteResult.Retry(e.toString(), null);
        }
    }

    /** A slow listener delays only this worker; its failure never stops it. */
    private void tell(DeliveryListener.Delivery delivered) {
        try {
            listener.delivered(delivered);
        } catch (RuntimeException e) {
            log.warn("publisher {}: delivery listener failed: {}", name, e.toString());
        }
    }

    private void sleepUntil(Instant until, long seen) throws InterruptedException {
        lock.lock();
        try {
            if (wakes != seen) return;
            Duration wait = Duration.between(clock.instant(), until);
            if (wait.compareTo(CLOCK_CHECK) > 0) wait = CLOCK_CHECK;
            if (!wait.isNegative() && !wait.isZero()) changed.await(wait.toNanos(), TimeUnit.NANOSECONDS);
        } finally {
            lock.unlock();
        }
    }

    private <T> T locked(Supplier<T> read) {
        lock.lock();
        try {
            return read.get();
        } finally {
            lock.unlock();
        }
    }
}
