package io.presencesync.adapter.xmpp;

import java.util.Map;
import java.util.Set;

/**
 * Where the component keeps who subscribed to whom, so that a restart (or, in a cluster, the
 * node taking the component over) does not make every contact subscribe again. Contacts and
 * subscribers are bare JIDs as text. Writes happen before the subscriber is answered.
 */
interface SubscriberStore extends AutoCloseable {

    /** Every contact's subscribers. */
    Map<String, Set<String>> load();

    void add(String contact, String subscriber);

    void remove(String contact, String subscriber);

    @Override
    default void close() {}
}
