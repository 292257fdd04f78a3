package io.presencesync.application.explain;

import io.presencesync.application.delivery.UserDelivery;

import java.util.List;

/** What each publisher's store last answered for a user, read-only (the publishers' outboxes on this node). */
@FunctionalInterface
public interface DeliveryRecords {
    List<UserDelivery> deliveries(String tenant, String userId);
}
