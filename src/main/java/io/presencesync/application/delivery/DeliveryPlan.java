package io.presencesync.application.delivery;

import io.presencesync.application.port.DeliveryListener.Delivery;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.application.port.WriteResult;
import io.presencesync.application.status.PublisherState;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every delivery decision for one presence store, as a state machine without threads or clocks: a
 * worker asks {@link #next} what to do at an instant, makes the write it is given, and hands the
 * store's answer to {@link #settle}; tests step it the same way on instants of their choosing. Up to
 * {@link DeliveryPolicy#maxInFlight} writes may be made at once (by as many workers), never two of
 * one user: a user's newer update waits for the store's answer to the one being written.
 *
 * <p>Per user it keeps the latest update (a newer version replaces a pending one), sends users in the
 * order they changed, and never sends a version at or below one the store already answered for.
 * While the store fails, one user is tried per pause (one write in flight), which grows with the
 * backoff while different users fail in turn (the store is down; writes that were under way when
 * one failed count once) and follows the store's Retry-After when it names one; a
 * user whose write failed goes behind the others with a backoff of their own, so a user the store
 * keeps refusing never holds up the rest. When the store is back, every pending user's latest state
 * follows.
 *
 * <p>Re-sends come from the sync, not from this plan's memory ({@link #renew}): the node that runs a
 * unit names its users' current states at each calendar poll, and a state the store did not answer
 * for within {@code republishInterval} is sent again behind any change. So a store that lost its data
 * heals, TTLs are renewed, and a write lost with a node that died is made good by the node that runs
 * the unit next; a node never re-sends a user another node now serves.
 *
 * <p>Not thread-safe: its workers' lock guards it. What it wants logged it keeps as {@link DeliveryEvent}s.
 */
public final class DeliveryPlan {

    /** The longest Retry-After honoured; a store asking for more is tried again after this. */
    public static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(15);
    /** Users the sync has not named for this many republish intervals are served by another node, or gone. */
    static final int UNNAMED_INTERVALS_FORGOTTEN = 3;
    /** Rejections told one by one per minute; more are counted and summed up. */
    static final int REJECTIONS_TOLD_PER_MINUTE = 10;

    /** What the worker does next. */
    public sealed interface Step permits Send, Wait, Finished {}

    /** Write {@code update} to the store, then {@link #settle} the answer with this send; a re-send is a state the store had before. */
    public record Send(PresenceUpdate update, boolean resend) implements Step {}

    /** Nothing is due before {@code until}, unless an update is offered or renewed, or a write settled, meanwhile. */
    public record Wait(Instant until) implements Step {}

    /** Closing is done: every change is written, or the flush deadline has passed. */
    public record Finished() implements Step {}

    private static final Finished FINISHED = new Finished();

    private final String publisher;
    private final DeliveryPolicy policy;
    private final DeliveryQueue queue = new DeliveryQueue();
    private final List<DeliveryEvent> events = new ArrayList<>();

    private Instant nextSweep;
    /** The store's shared pause after a failed write: nobody is tried before it. */
    private Instant retryAt;
    /** Failed writes of different users in a row: what the shared pause grows with. */
    private int failures;
    /** Every failed write so far: a write that went out before the last one failed fails with it, and counts once. */
    private long failedWrites;
    private DeliveryQueue.Entry lastFailed;
    private String lastError;
    private Instant lastErrorAt;
    private Instant lastSuccess;
    private long written;
    private long stale;
    private long rejected;
    private Instant rejectionMinute;
    private int rejectionsThisMinute;
    /** Set once closing began: changes are flushed until then, re-sends no more. */
    private Instant flushDeadline;
    private boolean toldClosed;

    public DeliveryPlan(String publisher, DeliveryPolicy policy, Instant now) {
        this.publisher = publisher;
        this.policy = policy;
        this.nextSweep = now.plus(policy.republishInterval());
    }

    /** A change of a user's presence. True when a write may be due now (wake the worker). */
    public boolean offer(PresenceUpdate update, Instant now) {
        if (closing()) {
            if (!toldClosed) events.add(new DeliveryEvent.UpdateAfterClose(update));
            toldClosed = true;
            return false;
        }
        return queue.offer(update, now);
    }

    /** A user's current, already published state, named by the sync of the node that runs them. True when a write may be due now. */
    public boolean renew(PresenceUpdate current, Instant now) {
        if (!policy.renewals() || closing()) return false;
        return queue.renew(current, now, policy.republishInterval());
    }

    /**
     * What to do at {@code now}: a write while fewer than {@link DeliveryPolicy#maxInFlight} are in
     * flight (one while the store fails), else a wait. Each {@link Send} is settled once, in any order.
     */
    public Step next(Instant now) {
        if (closing() && (!queue.hasChanges() || !now.isBefore(flushDeadline))) return FINISHED;
        if (retryAt != null && now.isBefore(retryAt)) return new Wait(closing() ? earliest(retryAt, flushDeadline) : retryAt);
        // Full: the next settle frees a place, and its worker asks again.
        if (queue.inFlightCount() >= (failures > 0 ? 1 : policy.maxInFlight())) return new Wait(closing() ? flushDeadline : nextSweep);
        if (!now.isBefore(nextSweep)) {
            forgetIdleUsers(now);
            nextSweep = now.plus(policy.republishInterval());
        }
        DeliveryQueue.InFlight send = queue.next(!closing(), now, failedWrites);
        if (send != null) return new Send(send.update(), send.resend());
        Instant until = closing() ? flushDeadline : nextSweep;
        Instant userDue = queue.nextDue(!closing());
        return new Wait(userDue == null ? until : earliest(userDue, until));
    }

    /** The store's answer to {@code send}; the delivery to tell listeners of, if it was written. */
    public Optional<Delivery> settle(Send send, WriteResult result, Instant now) {
        DeliveryQueue.InFlight sent = queue.inFlight(send.update());
        if (sent == null) {
            PresenceUpdate u = send.update();
            throw new IllegalStateException("publisher " + publisher + ": no write of tenant " + u.tenant() + " user " + u.user().address()
                    + " version " + u.version() + " to settle");
        }
        if (result instanceof WriteResult.Retry retry) {
            failed(sent, retry, now);
            return Optional.empty();
        }
        if (failures > 0) events.add(new DeliveryEvent.StoreBack(failures, queue.pending()));
        failures = 0;
        lastFailed = null;
        retryAt = null;
        lastSuccess = now;
        Delivery delivered = null;
        if (result instanceof WriteResult.Written) {
            written++;
            delivered = new Delivery(publisher, sent.update(), now, sent.resend());
        } else if (result instanceof WriteResult.Stale s) {
            stale++;
            events.add(new DeliveryEvent.Stale(sent.update(), s.detail()));
        } else if (result instanceof WriteResult.Rejected r) {
            rejected++;
            tellRejection(sent.update(), r, now);
        }
        queue.answered(sent, result, now);
        return Optional.ofNullable(delivered);
    }

    /** Stops taking updates and renewals; changes are still sent until {@code flush} from now, re-sends no more. */
    public void close(Instant now, Duration flush) {
        if (!closing()) flushDeadline = now.plus(flush);
    }

    /** Health for the status page and metrics. */
    public PublisherState state() {
        boolean healthy = failures == 0;
        return new PublisherState(publisher, healthy, lastSuccess, lastErrorAt, healthy ? null : lastError, written, queue.pending(),
                stale, rejected);
    }

    /** What the store last answered for one user and what waits for them; empty when this plan does not remember the user. */
    public Optional<UserDelivery> delivery(String tenant, String userId) {
        return Optional.ofNullable(queue.delivery(publisher, tenant, userId));
    }

    /** Users waiting for a change to be written: at closing, the updates lost. Re-sends are no loss. */
    public int undelivered() { return queue.pendingChanges(); }

    /** How many users the plan remembers: those with a state to renew or a write pending. */
    public int rememberedUsers() { return queue.remembered(); }

    /** The events since the last call, oldest first. */
    public List<DeliveryEvent> takeEvents() {
        if (events.isEmpty()) return List.of();
        List<DeliveryEvent> taken = List.copyOf(events);
        events.clear();
        return taken;
    }

    private void failed(DeliveryQueue.InFlight sent, WriteResult.Retry retry, Instant now) {
        boolean first = failures == 0;
        // The shared pause grows only while different users fail in turn (the store is down); one user
        // failing again and again backs off alone, and the others go on after a short pause. Writes that
        // were under way when the last failure came fail with it: they count once, not each.
        if (first || sent.entry() != lastFailed && sent.failuresBefore() == failedWrites) failures++;
        failedWrites++;
        lastFailed = sent.entry();
        lastError = retry.error();
        lastErrorAt = now;
        // Retry-After 0 or a date gone by must not turn into a loop without pause.
        Duration wait = retry.retryAfter() != null
                ? min(max(retry.retryAfter(), policy.retryBackoff()), MAX_RETRY_AFTER)
                : policy.backoff().after(failures);
        retryAt = now.plus(wait);
        queue.retry(sent, now, max(wait, policy.backoff().after(DeliveryQueue.failuresOf(sent) + 1)));
        if (first) events.add(new DeliveryEvent.StoreFailing(sent.update(), retry.error(), queue.pending()));
    }

    private void tellRejection(PresenceUpdate update, WriteResult.Rejected r, Instant now) {
        if (rejectionMinute == null || !now.isBefore(rejectionMinute.plusSeconds(60))) {
            if (rejectionsThisMinute > REJECTIONS_TOLD_PER_MINUTE) {
                events.add(new DeliveryEvent.RejectionsNotTold(rejectionsThisMinute - REJECTIONS_TOLD_PER_MINUTE, rejectionMinute));
            }
            rejectionMinute = now;
            rejectionsThisMinute = 0;
        }
        if (++rejectionsThisMinute <= REJECTIONS_TOLD_PER_MINUTE) events.add(new DeliveryEvent.Rejected(update, r.error()));
    }

    /** A cleared user is kept one interval, so the sync's one renewal of a NONE finds it answered. */
    private void forgetIdleUsers(Instant now) {
        Duration interval = policy.republishInterval();
        int count = queue.forget(now, interval.multipliedBy(UNNAMED_INTERVALS_FORGOTTEN), interval);
        if (count > 0) events.add(new DeliveryEvent.IdleUsersForgotten(count));
    }

    private boolean closing() { return flushDeadline != null; }

    private static Duration min(Duration a, Duration b) { return a.compareTo(b) <= 0 ? a : b; }

    private static Duration max(Duration a, Duration b) { return a.compareTo(b) >= 0 ? a : b; }

    private static Instant earliest(Instant a, Instant b) { return a.isBefore(b) ? a : b; }
}
