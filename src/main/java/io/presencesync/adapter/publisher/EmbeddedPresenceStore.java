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

    private void change(String tenant, User user, UnaryOperator<Entry> how) {
        Entry[] before = new Entry[1];
        Entry after = byUser.compute(key(tenant, user.id()), (k, old) -> {
            before[0] = old;
            return how.apply(old);
        });
        if (after != before[0]) {
            for (Listener l : listeners) l.changed(tenant, user, before[0], after);
        }
    }

    private static String key(String tenant, String userId) { return tenant + '/' + userId; }
}
