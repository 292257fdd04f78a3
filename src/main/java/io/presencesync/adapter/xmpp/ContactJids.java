package io.presencesync.adapter.xmpp;

import io.presencesync.adapter.config.XmppConfig;
import org.jxmpp.jid.DomainBareJid;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Localpart;
import org.jxmpp.stringprep.XmppStringprepException;

import java.util.Optional;

/**
 * The JID under which the component shows a user: the local part made from the user's address
 * (UPN), escaped per XEP-0106 ({@code o'brien} → {@code o\27brien}) and normalised by jxmpp's
 * stringprep, at the component's domain.
 */
final class ContactJids {

    private final DomainBareJid domain;
    private final XmppConfig.LocalPart mode;

    ContactJids(String domain, XmppConfig.LocalPart mode) {
        this.domain = JidCreate.domainBareFromOrThrowUnchecked(domain);
        this.mode = mode;
    }

    DomainBareJid domain() { return domain; }

    /** The user's JID, or empty when their address makes no valid local part (then they are not shown). */
    Optional<EntityBareJid> of(String address) {
        String unescaped = mode == XmppConfig.LocalPart.ADDRESS || address.indexOf('@') < 0 ? address : address.substring(0, address.lastIndexOf('@'));
        try {
            return Optional.of(JidCreate.entityBareFrom(Localpart.fromUnescaped(unescaped), domain));
        } catch (XmppStringprepException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
