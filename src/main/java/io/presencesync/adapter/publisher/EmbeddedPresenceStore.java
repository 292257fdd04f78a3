package io.presencesync.adapter.publisher;

import io.presencesync.application.port.PresencePublisher;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.domain.EffectivePresence;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.ManualPresence;
import io.presencesync.domain.User;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * The default presence store, in memory: per user the manual presence (with its profile) and the
 * latest event presence, merged into the effective presence ({@link EffectivePresence#of}). Stale
 * or repeated event updates (a version not above the stored one) are ignored.
 */
public final class EmbeddedPresenceStore implements PresencePublisher {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(EmbeddedPresenceStore.class);

    /** Told of every accepted change. {@code before} is null the first time a user is seen. */
    public interface Listener {
        void changed(String tenant, User user, Entry before, Entry after);
    }

    /** What the store holds for one user. */
    public record Entry(User user, ManualPresence manual, PresenceUpdate event) {
        public EventPresence eventPresence() { return event == null ? null : event.presence(); }

        public EffectivePresence effective() { return EffectivePresence.of(manual, eventPresence()); }
    }

    private final Map<String, Entry> byUser = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public void addListener(Listener listener) { listeners.add(listener); }

    @Override
    public void publish(PresenceUpdate update) {
        change(update.tenant(), update.user(), old -> {
            if (old != null && old.event() != null && update.version() <= old.event().version()) return old;
            return new Entry(update.user(), old == null ? null : old.manual(), update);
        });
    }

    /** Sets the presence a user chose in the UC client (null clears it). */
    public void setManual(String tenant, User user, ManualPresence manual) {
        change(tenant, user, old -> new Entry(user, manual, old == null ? null : old.event()));
    }

    public Optional<Entry> get(String tenant, String userId) {
        return Optional.ofNullable(byUser.get(key(tenant, userId)));
    }

    /**
     * Listeners are told inside the user's atomic update, so two changes of one user (a manual choice
     * and an event, on two threads) reach every listener in the order they were made; a listener's
     * failure never undoes the change. Listeners must be quick and must not call back into the store.
     */
    private void change(String tenant, User user, UnaryOperator<Entry> how) {
        byUser.compute(key(tenant, user.id()), (k, old) -> {
            Entry after = how.apply(old);
            if (after != old) {
                for (Listener l : listeners) {
                    try {
                        l.changed(tenant, user, old, after);
                    } catch (RuntimeException e) {
                        log.warn("embedded store: a change listener failed for tenant {} user {}: {}", tenant, user.address(), e.toString());
                    }
                }
            }
            return after;
        });
    }

    private static String key(String tenant, String userId) { return tenant + '/' + userId; }
}
