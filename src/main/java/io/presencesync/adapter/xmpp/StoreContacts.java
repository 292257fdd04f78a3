package io.presencesync.adapter.xmpp;

import io.presencesync.adapter.publisher.EmbeddedPresenceStore;
import io.presencesync.domain.User;
import org.jxmpp.jid.EntityBareJid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The users of this node's embedded store as contacts, kept as a store listener: per JID the
 * store's latest merge, so what the component shows is exactly what the store API and status page
 * show. It is taken from the listener's {@code after}, not read back from the store: the listener
 * runs inside the store's update, before a reader of the store could see it.
 */
final class StoreContacts implements Contacts, EmbeddedPresenceStore.Listener {

    private static final Logger log = LoggerFactory.getLogger(StoreContacts.class);

    private final ContactJids jids;
    private final Map<EntityBareJid, Contact> byJid = new ConcurrentHashMap<>();
    private final List<Consumer<EntityBareJid>> listeners = new CopyOnWriteArrayList<>();

    StoreContacts(EmbeddedPresenceStore store, ContactJids jids) {
        this.jids = jids;
        store.addListener(this);
    }

    @Override
    public Optional<Contact> find(EntityBareJid jid) {
        return Optional.ofNullable(byJid.get(jid));
    }

    @Override
    public void listen(Consumer<EntityBareJid> changed) { listeners.add(changed); }

    private static boolean sameUser(Contact a, Contact b) {
        return a.tenant().equals(b.tenant()) && a.user().id().equals(b.user().id());
    }

    @Override
    public void changed(String tenant, User user, EmbeddedPresenceStore.Entry before, EmbeddedPresenceStore.Entry after) {
        Optional<EntityBareJid> jid = jids.of(after.user().address());
        if (jid.isEmpty()) {
            if (before == null) log.warn("xmpp: tenant {} user {}: the address makes no valid JID local part; not shown", tenant, user.address());
            return;
        }
        Contact now = new Contact(jid.get(), tenant, after.user(), after.effective());
        Contact owner = byJid.compute(jid.get(), (j, old) -> old == null || sameUser(old, now) ? now : old);
        if (owner != now) {
            if (before == null) {
                log.warn("xmpp: tenant {} user {} would be {}, which already shows tenant {} user {}; not shown (jidLocalPart: address tells them apart)",
                        tenant, user.address(), jid.get(), owner.tenant(), owner.user().address());
            }
            return;
        }
        if (before != null && before.effective().equals(after.effective())) return;
        for (Consumer<EntityBareJid> l : listeners) l.accept(jid.get());
    }
}
