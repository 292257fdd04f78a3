package io.presencesync.adapter.web;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A token bucket per caller (a token's name, or before authentication a client address): up to
 * {@code burst} requests at once, refilled at {@code perSecond}. A refused request learns how long
 * to wait for the next one (Retry-After).
 */
final class RequestRate {

    /** Callers tracked at most; full buckets are forgotten first, as they hold nothing a new one would not. */
    static final int MAX_CALLERS = 10_000;

    private record Bucket(double tokens, long atNanos) {}

    private final int perSecond;
    private final int burst;
    private final Clock clock;
    private final Map<String, Bucket> buckets = new HashMap<>();

    RequestRate(int perSecond, int burst, Clock clock) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.clock = clock;
    }

    /** Zero when the request may go ahead (and is counted), else how long until the caller may send the next one. */
    synchronized Duration admit(String caller) {
        long now = clock.millis() * 1_000_000L;
        Bucket b = buckets.get(caller);
        double tokens = b == null ? burst : Math.min(burst, b.tokens() + (now - b.atNanos()) / 1e9 * perSecond);
        if (tokens < 1) {
            buckets.put(caller, new Bucket(tokens, now));
            return Duration.ofMillis((long) Math.ceil((1 - tokens) * 1000 / perSecond));
        }
        if (b == null && buckets.size() >= MAX_CALLERS) forgetFull(now);
        buckets.put(caller, new Bucket(tokens - 1, now));
        return Duration.ZERO;
    }

    private void forgetFull(long now) {
        buckets.values().removeIf(b -> b.tokens() + (now - b.atNanos()) / 1e9 * perSecond >= burst);
        if (buckets.size() >= MAX_CALLERS) buckets.clear(); // a flood of addresses: start afresh rather than grow
    }
}
