package io.presencesync.application.delivery;

import io.presencesync.application.port.PresenceUpdate;

import java.time.Instant;

/** What a {@link DeliveryPlan} wants known (logged, by its worker): it decides, the worker tells. */
public sealed interface DeliveryEvent {

    /** The first failed write since the store last answered: it is retried with backoff from now on. */
    record StoreFailing(PresenceUpdate update, String error, int pendingUsers) implements DeliveryEvent {}

    /** The store answered again after {@code failedAttempts} failed writes (of different users). */
    record StoreBack(int failedAttempts, int pendingUsers) implements DeliveryEvent {}

    /** The store holds this version of the user or a newer one (another node wrote it): nothing to do. */
    record Stale(PresenceUpdate update, String detail) implements DeliveryEvent {}

    /** The store refused the update for good. At most a few a minute are told one by one. */
    record Rejected(PresenceUpdate update, String error) implements DeliveryEvent {}

    /** Rejections since {@code since} not told one by one. */
    record RejectionsNotTold(int count, Instant since) implements DeliveryEvent {}

    /** Users no longer remembered: not named by the sync for three republish intervals, or cleared one ago. */
    record IdleUsersForgotten(int count) implements DeliveryEvent {}

    /** The first update offered after closing began: neither it nor later ones are sent. */
    record UpdateAfterClose(PresenceUpdate update) implements DeliveryEvent {}
}
