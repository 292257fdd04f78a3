package io.presencesync.adapter.publisher;

import io.presencesync.application.port.PresencePublisher;
import io.presencesync.application.port.PresenceUpdate;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The default presence store, in memory: the latest event presence per user. Stale or repeated
 * updates (a version not above the stored one) are ignored, so re-delivery is harmless.
 */
public final class EmbeddedPresenceStore implements PresencePublisher {

    /** Told of every accepted change, with what the store held before (null at first sight). */
    public interface Listener {
        void changed(PresenceUpdate before, PresenceUpdate after);
    }

    private final Map<String, PresenceUpdate> byUser = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public void addListener(Listener listener) { listeners.add(listener); }

    @Override
    public void publish(PresenceUpdate update) {
        PresenceUpdate[] before = new PresenceUpdate[1];
        boolean[] accepted = new boolean[1];
        byUser.compute(key(update.tenant(), update.user().id()), (k, old) -> {
            before[0] = old;
            accepted[0] = old == null || update.version() > old.version();
            return accepted[0] ? update : old;
        });
        if (accepted[0]) {
            for (Listener l : listeners) l.changed(before[0], update);
        }
    }

    public Optional<PresenceUpdate> get(String tenant, String userId) {
        return Optional.ofNullable(byUser.get(key(tenant, userId)));
    }

    public List<PresenceUpdate> all() { return List.copyOf(byUser.values()); }

    private static String key(String tenant, String userId) { return tenant + '/' + userId; }
}
