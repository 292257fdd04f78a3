package io.presencesync.adapter.web;

import io.presencesync.adapter.metrics.EventPresenceCounts;
import io.presencesync.adapter.publisher.EmbeddedPresenceStore;
import io.presencesync.domain.EventState;
import io.presencesync.domain.PresenceState;
import io.presencesync.domain.User;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The embedded store's users sorted by tenant and address, for paging, search by name and counts.
 * Kept up to date as a store listener; each change re-reads the store under one lock, so the
 * index always ends with the store's latest entry even when changes race.
 */
public final class PresenceDirectory implements EmbeddedPresenceStore.Listener, EventPresenceCounts {

    /** One user in the store. */
    public record Row(String tenant, EmbeddedPresenceStore.Entry entry) {}

    /** One page of rows and how many matched in all. */
    public record Page(List<Row> rows, int total, int offset, int limit) {}

    private static final char SEPARATOR = '\u0000';

    private final EmbeddedPresenceStore store;
    private final NavigableMap<String, Row> byName = new ConcurrentSkipListMap<>();
    private final Map<String, String> nameKeyById = new HashMap<>();

    public PresenceDirectory(EmbeddedPresenceStore store) {
        this.store = store;
        store.addListener(this);
    }

    @Override
    public void changed(String tenant, User user, EmbeddedPresenceStore.Entry before, EmbeddedPresenceStore.Entry after) {
        synchronized (this) {
            // The store tells its listeners in each user's order, inside the update: after is the latest.
            String idKey = tenant + SEPARATOR + user.id();
            String nameKey = tenant + SEPARATOR + after.user().address().toLowerCase(Locale.ROOT) + SEPARATOR + user.id();
            String previous = nameKeyById.put(idKey, nameKey);
            if (previous != null && !previous.equals(nameKey)) byName.remove(previous);
            byName.put(nameKey, new Row(tenant, after));
        }
    }

    /** A user by object id or by address (UPN), case-insensitively. */
    public Optional<Row> find(String tenant, String idOrAddress) {
        Optional<EmbeddedPresenceStore.Entry> byId = store.get(tenant, idOrAddress);
        if (byId.isPresent()) return Optional.of(new Row(tenant, byId.get()));
        String prefix = tenant + SEPARATOR + idOrAddress.toLowerCase(Locale.ROOT) + SEPARATOR;
        Map.Entry<String, Row> next = byName.ceilingEntry(prefix);
        return next != null && next.getKey().startsWith(prefix) ? Optional.of(next.getValue()) : Optional.empty();
    }

    /**
     * Rows sorted by tenant and address.
     *
     * @param tenant only this tenant's users, or all when null
     * @param query  only addresses containing it (case-insensitive), or all when null or blank
     */
    public Page page(String tenant, String query, int offset, int limit) {
        String needle = query == null || query.isBlank() ? null : query.strip().toLowerCase(Locale.ROOT);
        List<Row> rows = new ArrayList<>();
        int total = 0;
        for (Row row : rowsOf(tenant).values()) {
            if (needle != null && !row.entry().user().address().toLowerCase(Locale.ROOT).contains(needle)) continue;
            if (total >= offset && rows.size() < limit) rows.add(row);
            total++;
        }
        return new Page(List.copyOf(rows), total, offset, limit);
    }

    /** How many users show each effective presence (all tenants when null). */
    public Map<PresenceState, Integer> countByEffectiveState(String tenant) {
        Map<PresenceState, Integer> counts = new EnumMap<>(PresenceState.class);
        for (Row row : rowsOf(tenant).values()) counts.merge(row.entry().effective().state(), 1, Integer::sum);
        return counts;
    }

    public int size(String tenant) { return rowsOf(tenant).size(); }

    @Override
    public long count(String tenant, EventState state) {
        long n = 0;
        for (Row row : rowsOf(tenant).values()) {
            var event = row.entry().eventPresence();
            if ((event == null ? EventState.NONE : event.state()) == state) n++;
        }
        return n;
    }

    private NavigableMap<String, Row> rowsOf(String tenant) {
        if (tenant == null) return byName;
        return byName.subMap(tenant + SEPARATOR, true, tenant + (char) (SEPARATOR + 1), false);
    }
}
