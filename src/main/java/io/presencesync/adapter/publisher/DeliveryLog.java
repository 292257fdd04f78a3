package io.presencesync.adapter.publisher;

import io.presencesync.application.delivery.DeliveryEvent;
import io.presencesync.application.port.PresenceUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/** Logs what a delivery plan wants known, under the outbox's logger, naming the publisher, tenant and user. */
final class DeliveryLog {

    private static final Logger log = LoggerFactory.getLogger(PublisherOutbox.class);

    private DeliveryLog() {}

    static void log(String publisher, List<DeliveryEvent> events) {
        for (DeliveryEvent event : events) log(publisher, event);
    }

    private static void log(String publisher, DeliveryEvent event) {
        if (event instanceof DeliveryEvent.StoreFailing e) {
            PresenceUpdate u = e.update();
            log.warn("publisher {}: store not taking updates (at tenant {} user {}: {}); retrying with backoff, {} user(s) pending",
                    publisher, u.tenant(), u.user().address(), e.error(), e.pendingUsers());
        } else if (event instanceof DeliveryEvent.StoreBack e) {
            log.info("publisher {}: store takes updates again after {} failed attempt(s); {} user(s) pending", publisher,
                    e.failedAttempts(), e.pendingUsers());
        } else if (event instanceof DeliveryEvent.Stale e) {
            PresenceUpdate u = e.update();
            log.debug("publisher {}: tenant {} user {} version {} is stale in the store: {}", publisher, u.tenant(), u.user().address(),
                    u.version(), e.detail());
        } else if (event instanceof DeliveryEvent.Rejected e) {
            PresenceUpdate u = e.update();
            log.error("publisher {}: store rejected tenant {} user {} ({}) version {} for good: {}", publisher, u.tenant(),
                    u.user().address(), u.user().id(), u.version(), e.error());
        } else if (event instanceof DeliveryEvent.RejectionsNotTold e) {
            log.error("publisher {}: {} more update(s) rejected within a minute from {} (not logged one by one)", publisher, e.count(),
                    e.since());
        } else if (event instanceof DeliveryEvent.IdleUsersForgotten e) {
            log.debug("publisher {}: forgot {} idle user(s)", publisher, e.count());
        } else if (event instanceof DeliveryEvent.UpdateAfterClose e) {
            PresenceUpdate u = e.update();
            log.warn("publisher {}: closed; the update of tenant {} user {} and any later ones are not sent", publisher, u.tenant(),
                    u.user().address());
        }
    }
}
