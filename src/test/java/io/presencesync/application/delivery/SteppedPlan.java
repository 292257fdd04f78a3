package io.presencesync.application.delivery;

import io.presencesync.application.port.DeliveryListener.Delivery;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.application.port.WriteResult;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.IntStream;

import static io.presencesync.testsupport.Updates.T0;
import static io.presencesync.testsupport.Updates.update;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link DeliveryPlan} a test steps on an instant of its own, as the outbox's worker would: ask
 * {@link #next}, answer a send, move time on. Built with {@link #plan()}; the default backoff is
 * fixed (1 s, 2 s, 4 s, … up to 64 s), so every wait is known exactly.
 */
final class SteppedPlan {

    static final Duration REPUBLISH = Duration.ofMinutes(10);
    static final Duration RETRY_BACKOFF = Duration.ofSeconds(1);
    static final Backoff DOUBLING = failures -> RETRY_BACKOFF.multipliedBy(1L << Math.min(failures - 1, 6));

    final DeliveryPlan plan;
    final Duration republishInterval;
    Instant now;

    private SteppedPlan(DeliveryPolicy policy, Instant start) {
        this.plan = new DeliveryPlan("test", policy, start);
        this.republishInterval = policy.republishInterval();
        this.now = start;
    }

    /** A plan for a store that can lose data (renewals on), with {@link #DOUBLING} backoff, at {@code T0 + 1 h}. */
    static Builder plan() { return new Builder(REPUBLISH, DOUBLING, true, 1); }

    record Builder(Duration republishInterval, Backoff backoff, boolean renewals, int maxInFlight) {
        Builder republishingEvery(Duration interval) { return new Builder(interval, backoff, renewals, maxInFlight); }

        Builder backingOff(Backoff b) { return new Builder(republishInterval, b, renewals, maxInFlight); }

        /** As for the embedded store. */
        Builder withoutRenewals() { return new Builder(republishInterval, backoff, false, maxInFlight); }

        /** Up to {@code n} writes under way at once (as for a SIP publisher). */
        Builder inFlight(int n) { return new Builder(republishInterval, backoff, renewals, n); }

        SteppedPlan start() {
            return new SteppedPlan(new DeliveryPolicy(republishInterval, RETRY_BACKOFF, backoff, renewals, maxInFlight), T0.plusSeconds(3600));
        }
    }

    /** Version {@code version} of users {@code from} to {@code to - 1}. */
    static PresenceUpdate[] updates(int from, int to, int version) {
        return IntStream.range(from, to).mapToObj(i -> update(i, version)).toArray(PresenceUpdate[]::new);
    }

    /** Version {@code version} of users 0 to {@code users - 1}. */
    static PresenceUpdate[] updates(int users, int version) { return updates(0, users, version); }

    static DeliveryPlan.Send change(PresenceUpdate u) { return new DeliveryPlan.Send(u, false); }

    static DeliveryPlan.Send resend(PresenceUpdate u) { return new DeliveryPlan.Send(u, true); }

    static DeliveryPlan.Wait waitUntil(Instant until) { return new DeliveryPlan.Wait(until); }

    static WriteResult retry(String error) { return new WriteResult.Retry(error, null); }

    static WriteResult retryAfter(Duration wait) { return new WriteResult.Retry("HTTP 429", wait); }

    boolean offer(PresenceUpdate... updates) {
        boolean due = false;
        for (PresenceUpdate u : updates) due |= plan.offer(u, now);
        return due;
    }

    boolean renew(PresenceUpdate... updates) {
        boolean due = false;
        for (PresenceUpdate u : updates) due |= plan.renew(u, now);
        return due;
    }

    /** The last send {@link #next} gave: what {@link #answer(WriteResult)} settles. */
    private DeliveryPlan.Send last;

    DeliveryPlan.Step next() {
        DeliveryPlan.Step step = plan.next(now);
        if (step instanceof DeliveryPlan.Send s) last = s;
        return step;
    }

    /** The next step, which must be a send. */
    DeliveryPlan.Send send() {
        DeliveryPlan.Step step = next();
        assertThat(step).as("the next step at %s", now).isInstanceOf(DeliveryPlan.Send.class);
        return (DeliveryPlan.Send) step;
    }

    /** Moves time on to each instant the plan says it waits for, until it sends. */
    DeliveryPlan.Send sendWhenDue() {
        for (int steps = 0; steps < 100; steps++) {
            DeliveryPlan.Step step = next();
            if (step instanceof DeliveryPlan.Send s) return s;
            assertThat(step).isInstanceOf(DeliveryPlan.Wait.class);
            advanceTo(((DeliveryPlan.Wait) step).until());
        }
        throw new AssertionError("nothing sent within 100 waits, at " + now);
    }

    /** Answers the last send. */
    Optional<Delivery> answer(WriteResult result) { return answer(last, result); }

    /** Answers {@code send}, of several in flight. */
    Optional<Delivery> answer(DeliveryPlan.Send send, WriteResult result) { return plan.settle(send, result, now); }

    /** Sends and answers whatever is due now, the store answering each with {@code store}; returns the sends. */
    List<DeliveryPlan.Send> deliverDue(Function<PresenceUpdate, WriteResult> store) {
        List<DeliveryPlan.Send> sent = new ArrayList<>();
        for (DeliveryPlan.Step step = next(); step instanceof DeliveryPlan.Send s; step = next()) {
            sent.add(s);
            answer(store.apply(s.update()));
        }
        return sent;
    }

    /** Sends and answers whatever is due now, every write taken; returns the updates written. */
    List<PresenceUpdate> deliverDue() {
        return deliverDue(u -> WriteResult.WRITTEN).stream().map(DeliveryPlan.Send::update).toList();
    }

    /** Version 1 of users 0 to {@code users - 1} written an interval ago and named by the sync now: their re-sends are due. */
    void reSendsDueFor(int users) {
        offer(updates(users, 1));
        deliverDue();
        advance(republishInterval);
        renew(updates(users, 1));
    }

    void advance(Duration by) { now = now.plus(by); }

    void advanceTo(Instant instant) { now = instant; }

    List<DeliveryEvent> events() { return plan.takeEvents(); }
}
