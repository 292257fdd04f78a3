package io.presencesync.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.presencesync.adapter.config.PublisherConfig;
import io.presencesync.adapter.publisher.PublisherOutbox;
import io.presencesync.adapter.sip.SipPublisher;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.Reason;
import io.presencesync.domain.User;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The SIP publisher's capacity against the local Kamailio, apart from the service: a burst of N
 * users BUSY at once (the top of the hour), then all of them NONE, through the production outbox and
 * publisher. Gives PUBLISH/s sustained and how long the last user of a burst waits.
 */
final class SipCapacity {

    record Result(int users, double publishPerSecond, double removePerSecond, long p50Millis, long p99Millis, long maxMillis) {}

    private SipCapacity() {}

    static Result run(int port, int users) throws InterruptedException {
        return run(port, users, PublisherConfig.DEFAULT_MAX_IN_FLIGHT);
    }

    /** The same with {@code maxInFlight} PUBLISH requests awaiting answers at once (1: one after the other). */
    static Result run(int port, int users, int maxInFlight) throws InterruptedException {
        Clock clock = Clock.systemUTC();
        PublisherConfig.Sip config = new PublisherConfig.Sip("sip", "127.0.0.1", port, PublisherConfig.SipTransport.UDP,
                "sip:{localpart}@capacity.example.com", PublisherConfig.Sip.DEFAULT_EXPIRES, PublisherConfig.NoteLanguage.EN,
                ZoneId.of("UTC"), null, Duration.ofSeconds(5), maxInFlight,
                PublisherConfig.Delivery.DEFAULTS);
        Map<String, Long> acknowledged = new ConcurrentHashMap<>();
        AtomicLong delivered = new AtomicLong();
        PublisherOutbox outbox = new PublisherOutbox("sip", new SipPublisher(config, Map.of(), clock, new SimpleMeterRegistry()),
                config.delivery(), true, config.maxInFlight(), clock, d -> {
                    acknowledged.put(d.update().user().id(), d.acknowledged().toEpochMilli());
                    delivered.incrementAndGet();
                });
        try {
            Instant hour = clock.instant();
            long offered = System.currentTimeMillis();
            for (int i = 0; i < users; i++) outbox.publish(update(i, new EventPresence(Reason.CALENDAR_BUSY, hour, hour.plusSeconds(1800)), 1));
            waitFor(delivered, users);
            long published = System.currentTimeMillis();
            long[] waits = acknowledged.values().stream().mapToLong(t -> t - offered).sorted().toArray();
            for (int i = 0; i < users; i++) outbox.publish(update(i, EventPresence.none(hour.plusSeconds(1800), null), 2));
            waitFor(delivered, 2L * users);
            long removed = System.currentTimeMillis();
            return new Result(users, users * 1000.0 / (published - offered), users * 1000.0 / (removed - published),
                    waits[waits.length / 2], waits[(int) Math.min(waits.length - 1, Math.ceil(waits.length * 0.99) - 1)], waits[waits.length - 1]);
        } finally {
            outbox.close();
        }
    }

    private static void waitFor(AtomicLong delivered, long count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + Duration.ofMinutes(10).toMillis();
        while (delivered.get() < count) {
            if (System.currentTimeMillis() > deadline) throw new IllegalStateException("only " + delivered.get() + " of " + count + " delivered");
            Thread.sleep(20); // a measurement waiting for its end, not a test assertion
        }
    }

    private static PresenceUpdate update(int i, EventPresence presence, long version) {
        return new PresenceUpdate("capacity", new User(String.format("cap-%06d", i), String.format("user%06d@capacity.example.com", i)), presence, version);
    }

    static String describe(Result r) {
        return String.format(java.util.Locale.ROOT, "%,d users BUSY at once: %.0f PUBLISH/s; the same users NONE (removals): %.0f PUBLISH/s; "
                + "wait from the burst to each acknowledgement p50 %d ms, p99 %d ms, max %d ms", r.users(), r.publishPerSecond(),
                r.removePerSecond(), r.p50Millis(), r.p99Millis(), r.maxMillis());
    }
}
