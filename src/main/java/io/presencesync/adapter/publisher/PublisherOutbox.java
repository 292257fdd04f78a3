package io.presencesync.adapter.publisher;

import io.presencesync.adapter.config.PublisherConfig;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One publisher's delivery worker. {@link #publish} only records the update and returns; a thread
 * of its own writes to the store, so a slow or down store never delays the sync or another store.
 *
 * <p>Per user it keeps the latest update ({@link DeliveryQueue}: a newer version replaces a pending
 * one), sends users in the order they changed, and never sends a version at or below one the store
 * already acknowledged. While the store fails, the oldest pending change is retried with exponential
 * backoff and jitter (or after the store's Retry-After, never sooner than the backoff's start); a
 * user whose write failed goes behind the others with a backoff of their own, so a user the store
 * keeps refusing never holds up the rest. When the store is back, every pending user's latest state
 * follows.
 *
 * <p>Re-sends come from the sync, not from this outbox's memory ({@link #renew}): the node that runs
 * a unit names its users' current states at each calendar poll, and a state this store did not
 * answer for within {@code republishInterval} is sent again behind any change. So a store that lost
 * its data heals, TTLs are renewed, and a write lost with a node that died is made good by the node
 * that runs the unit next; a node never re-sends a user another node now serves.
 */
public final class PublisherOutbox implements PresencePublisher, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PublisherOutbox.class);
    /** The longest Retry-After honoured; a store asking for more is tried again after this. */
    static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(15);
    /** How long the worker sleeps at most before it looks at the clock again (an injected clock may jump). */
    private static final Duration CLOCK_CHECK = Duration.ofMillis(200);
    /** Rejections logged per minute; more are counted and summed up. */
    private static final int REJECTIONS_LOGGED_PER_MINUTE = 10;

    private final String name;
    private final StoreWriter writer;
    private final PublisherConfig.Delivery delivery;
    private final Clock clock;
    private final DeliveryListener listener;
    private final boolean republish;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final DeliveryQueue queue = new DeliveryQueue();
    private final Thread worker;

    private Instant nextSweep;
    private Instant retryAt;
    private int failures;
    private DeliveryQueue.Entry lastFailed;
    private String lastError;
    private Instant lastErrorAt;
    private Instant lastSuccess;
    private long written;
    private long stale;
    private long rejected;
    private Instant rejectionMinute;
    private int rejectionsThisMinute;
    private boolean closing;
    private Instant flushDeadline;
    private boolean warnedClosed;

    /**
     * @param republish false for a store that cannot lose its data while the service runs (the
     *                  embedded one): then only changes are sent
     */
    public PublisherOutbox(String name, StoreWriter writer, PublisherConfig.Delivery delivery, boolean republish, Clock clock,
                           DeliveryListener listener) {
        this.name = name;
        this.writer = writer;
        this.delivery = delivery;
        this.republish = republish;
        this.clock = clock;
        this.listener = listener;
        this.nextSweep = clock.instant().plus(delivery.republishInterval());
        this.worker = new Thread(this::run, "publisher-" + name);
        worker.setDaemon(true);
        worker.start();
    }

    public String name() { return name; }

    @Override
    public void publish(PresenceUpdate update) {
        lock.lock();
        try {
            if (closing) {
                if (!warnedClosed) log.warn("publisher {}: closed; update of {} for user {} not sent", name, update.tenant(), update.user().address());
                warnedClosed = true;
                return;
            }
            if (queue.offer(update, clock.instant())) changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void renew(PresenceUpdate current) {
        if (!republish) return;
        lock.lock();
        try {
            if (!closing && queue.renew(current, clock.instant(), delivery.republishInterval())) changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public PublisherState health() {
        lock.lock();
        try {
            return new PublisherState(name, failures == 0, lastSuccess, lastErrorAt, failures > 0 ? lastError : null, written,
                    queue.pending(), stale, rejected);
        } finally {
            lock.unlock();
        }
    }

    /** How many users the outbox remembers: those with an event presence to renew or a write pending. */
    int rememberedUsers() {
        lock.lock();
        try {
            return queue.remembered();
        } finally {
            lock.unlock();
        }
    }

    /** Stops taking updates and flushes what is pending for at most {@code flush}, then closes the store client. */
    public void close(Duration flush) {
        beginClose(flush);
        awaitClosed(flush);
    }

    @Override
    public void close() { close(Duration.ofSeconds(5)); }

    void beginClose(Duration flush) {
        lock.lock();
        try {
            if (closing) return;
            closing = true;
            flushDeadline = clock.instant().plus(flush);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void awaitClosed(Duration flush) {
        try {
            worker.join(flush.plusSeconds(1).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        worker.interrupt();
        int left = pendingChanges();
        if (left > 0) log.warn("publisher {}: closed with {} user(s) not delivered", name, left);
        try {
            writer.close();
        } catch (Exception e) {
            log.warn("publisher {}: closing the store client failed: {}", name, e.toString());
        }
    }

    /** Re-sends left at closing are no loss: only changes count as not delivered. */
    private int pendingChanges() {
        lock.lock();
        try {
            return queue.pendingChanges();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        lock.lock();
        try {
            while (true) {
                Instant now = clock.instant();
                if (closing && (!queue.hasChanges() || !now.isBefore(flushDeadline))) return;
                if (retryAt != null && now.isBefore(retryAt)) {
                    sleepUntil(closing ? earliest(retryAt, flushDeadline) : retryAt, now);
                    continue;
                }
                if (!now.isBefore(nextSweep)) {
                    forgetIdleUsers(now);
                    nextSweep = now.plus(delivery.republishInterval());
                }
                DeliveryQueue.Send send = queue.next(!closing, now);
                if (send == null) {
                    sleepUntil(closing ? flushDeadline : nextSweep, now);
                    continue;
                }
                WriteResult result;
                lock.unlock();
                try {
                    result = writer.write(send.update());
                } catch (RuntimeException e) {
                    result = new WriteResult.Retry(e.toString(), null);
                } finally {
                    lock.lock();
                }
                DeliveryListener.Delivery delivered = settle(send, result);
                if (delivered != null) tell(delivered);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("publisher {}: delivery worker stopped by a bug", name, e);
        } finally {
            lock.unlock();
        }
    }

    /** Outside the lock, so a slow listener never holds up {@link #publish}; its failure never stops the worker. */
    private void tell(DeliveryListener.Delivery delivered) {
        lock.unlock();
        try {
            listener.delivered(delivered);
        } catch (RuntimeException e) {
            log.warn("publisher {}: delivery listener failed: {}", name, e.toString());
        } finally {
            lock.lock();
        }
    }

    /** Records the store's answer; returns the delivery to tell the listener of, if any. */
    private DeliveryListener.Delivery settle(DeliveryQueue.Send send, WriteResult result) {
        PresenceUpdate update = send.update();
        Instant now = clock.instant();
        if (result instanceof WriteResult.Retry retry) {
            boolean first = failures == 0;
            // The shared pause grows only while different users fail in turn (the store is down); one user
            // failing again and again backs off alone (queue.retry), and the others go on after a short pause.
            if (first || send.entry() != lastFailed) failures++;
            lastFailed = send.entry();
            lastError = retry.error();
            lastErrorAt = now;
            // Retry-After 0 or a date gone by must not turn into a loop without pause.
            Duration wait = retry.retryAfter() != null ? min(max(retry.retryAfter(), delivery.retryBackoff()), MAX_RETRY_AFTER) : backoff(failures);
            retryAt = now.plus(wait);
            queue.retry(send, now, max(wait, backoff(queue.failures(send) + 1)));
            if (first) {
                log.warn("publisher {}: store not taking updates (at tenant {} user {}: {}); retrying with backoff, {} user(s) pending",
                        name, update.tenant(), update.user().address(), retry.error(), queue.pending());
            }
            return null;
        }
        if (failures > 0) {
            log.info("publisher {}: store takes updates again after {} failed attempt(s); {} user(s) pending", name, failures, queue.pending());
        }
        failures = 0;
        lastFailed = null;
        retryAt = null;
        lastSuccess = now;
        DeliveryListener.Delivery delivered = null;
        if (result instanceof WriteResult.Written) {
            written++;
            delivered = new DeliveryListener.Delivery(name, update, now, send.resend());
        } else if (result instanceof WriteResult.Stale s) {
            stale++;
            log.debug("publisher {}: tenant {} user {} version {} is stale in the store: {}", name, update.tenant(),
                    update.user().address(), update.version(), s.detail());
        } else if (result instanceof WriteResult.Rejected r) {
            rejected++;
            logRejection(update, r, now);
        }
        queue.answered(send, result, now);
        return delivered;
    }

    private void logRejection(PresenceUpdate update, WriteResult.Rejected r, Instant now) {
        if (rejectionMinute == null || !now.isBefore(rejectionMinute.plusSeconds(60))) {
            if (rejectionsThisMinute > REJECTIONS_LOGGED_PER_MINUTE) {
                log.error("publisher {}: {} more update(s) rejected in the last minute (not logged one by one)", name,
                        rejectionsThisMinute - REJECTIONS_LOGGED_PER_MINUTE);
            }
            rejectionMinute = now;
            rejectionsThisMinute = 0;
        }
        if (++rejectionsThisMinute <= REJECTIONS_LOGGED_PER_MINUTE) {
            log.error("publisher {}: store rejected tenant {} user {} ({}) version {} for good: {}", name, update.tenant(),
                    update.user().address(), update.user().id(), update.version(), r.error());
        }
    }

    /**
     * Users the sync has not named for three re-publish intervals are served by another node (or
     * gone); a cleared user is kept one interval, so the sync's one renewal of a NONE finds it answered.
     */
    private void forgetIdleUsers(Instant now) {
        Duration interval = delivery.republishInterval();
        int count = queue.forget(now, interval.multipliedBy(3), interval);
        if (count > 0) log.debug("publisher {}: forgot {} idle user(s)", name, count);
    }

    /** Exponential backoff from retryBackoff, capped at maxRetryBackoff, with jitter in [½, 1] of it. */
    Duration backoff(int failures) {
        Duration base = delivery.retryBackoff();
        Duration cap = delivery.maxRetryBackoff();
        Duration d = base;
        for (int i = 1; i < failures && d.compareTo(cap) < 0; i++) d = d.multipliedBy(2);
        d = min(d, cap);
        long half = d.toNanos() / 2;
        return Duration.ofNanos(half + ThreadLocalRandom.current().nextLong(half + 1));
    }

    private void sleepUntil(Instant until, Instant now) throws InterruptedException {
        Duration wait = until == null ? CLOCK_CHECK : min(Duration.between(now, until), CLOCK_CHECK);
        if (wait.isNegative() || wait.isZero()) return;
        changed.await(wait.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static Duration min(Duration a, Duration b) { return a.compareTo(b) <= 0 ? a : b; }

    private static Duration max(Duration a, Duration b) { return a.compareTo(b) >= 0 ? a : b; }

    private static Instant earliest(Instant a, Instant b) { return a.isBefore(b) ? a : b; }
}
