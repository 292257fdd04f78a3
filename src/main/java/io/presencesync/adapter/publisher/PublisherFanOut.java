package io.presencesync.adapter.publisher;

import io.micrometer.core.instrument.MeterRegistry;
import io.presencesync.adapter.config.PublisherConfig;
import io.presencesync.adapter.sip.SipPublisher;
import io.presencesync.application.delivery.UserDelivery;
import io.presencesync.application.port.DeliveryListener;
import io.presencesync.application.port.PresencePublisher;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.application.port.StoreWriter;
import io.presencesync.application.port.WriteResult;
import io.presencesync.application.status.PublisherState;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Hands every update to each configured publisher's outbox and returns at once; each store is
 * delivered to by its own worker, isolated from the others.
 */
public final class PublisherFanOut implements PresencePublisher, AutoCloseable {

    /** How long closing waits for pending updates to reach the stores. */
    public static final Duration FLUSH_ON_CLOSE = Duration.ofSeconds(5);

    private final List<PublisherOutbox> outboxes;

    public PublisherFanOut(List<PublisherOutbox> outboxes) {
        this.outboxes = List.copyOf(outboxes);
    }

    /**
     * Starts one outbox per configured publisher; {@code embedded} is the store an embedded
     * publisher writes to, {@code registry} where publishers with meters of their own (SIP) register them.
     * Secrets are read from their files or environment variables now.
     */
    public static PublisherFanOut start(List<PublisherConfig> configs, Map<String, String> env, Clock clock,
                                        EmbeddedPresenceStore embedded, DeliveryListener listener, MeterRegistry registry) {
        List<PublisherOutbox> outboxes = new ArrayList<>();
        try {
            for (PublisherConfig c : configs) {
                if (c instanceof PublisherConfig.Embedded) {
                    StoreWriter writer = update -> {
                        embedded.publish(update);
                        return WriteResult.WRITTEN;
                    };
                    outboxes.add(new PublisherOutbox(c.name(), writer, PublisherConfig.Delivery.DEFAULTS, false, 1, clock, listener));
                } else if (c instanceof PublisherConfig.Redis redis) {
                    outboxes.add(new PublisherOutbox(c.name(), new RedisPublisher(redis, env), redis.delivery(), true, 1, clock, listener));
                } else if (c instanceof PublisherConfig.Http http) {
                    outboxes.add(new PublisherOutbox(c.name(), new HttpPublisher(http, env, clock), http.delivery(), true, http.maxInFlight(),
                            clock, listener));
                } else if (c instanceof PublisherConfig.Sip sip) {
                    outboxes.add(new PublisherOutbox(c.name(), new SipPublisher(sip, env, clock, registry), sip.delivery(), true, sip.maxInFlight(),
                            clock, listener));
                }
            }
        } catch (RuntimeException e) {
            new PublisherFanOut(outboxes).close();
            throw e;
        }
        return new PublisherFanOut(outboxes);
    }

    @Override
    public void publish(PresenceUpdate update) {
        for (PublisherOutbox o : outboxes) o.publish(update);
    }

    @Override
    public void renew(PresenceUpdate current) {
        for (PublisherOutbox o : outboxes) o.renew(current);
    }

    public List<PublisherState> health() {
        return outboxes.stream().map(PublisherOutbox::health).toList();
    }

    /** Per publisher that remembers the user, what its store last answered for them ({@link UserDelivery}). */
    public List<UserDelivery> deliveries(String tenant, String userId) {
        return outboxes.stream().flatMap(o -> o.delivery(tenant, userId).stream()).toList();
    }

    /** Flushes every outbox at the same time, for at most {@link #FLUSH_ON_CLOSE}. */
    @Override
    public void close() {
        for (PublisherOutbox o : outboxes) o.beginClose(FLUSH_ON_CLOSE);
        for (PublisherOutbox o : outboxes) o.awaitClosed(FLUSH_ON_CLOSE);
    }
}
