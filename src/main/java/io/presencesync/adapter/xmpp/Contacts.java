package io.presencesync.adapter.xmpp;

import io.presencesync.domain.EffectivePresence;
import io.presencesync.domain.User;
import org.jxmpp.jid.EntityBareJid;

import java.util.Optional;
import java.util.function.Consumer;

/** The users the component shows, each under their JID with their current effective presence. */
interface Contacts {

    /** One user as shown: who, and what the store's merge says now. */
    record Contact(EntityBareJid jid, String tenant, User user, EffectivePresence shown) {}

    Optional<Contact> find(EntityBareJid jid);

    /** Tells {@code changed} the JID of every user whose shown presence changed (or who appeared). */
    void listen(Consumer<EntityBareJid> changed);
}
