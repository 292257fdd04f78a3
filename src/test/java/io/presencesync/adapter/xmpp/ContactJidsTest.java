package io.presencesync.adapter.xmpp;

import io.presencesync.adapter.config.XmppConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ContactJidsTest {

    @Test
    void theLocalPartIsTheAddressBeforeTheAtEscapedPerXep0106() {
        ContactJids jids = new ContactJids("presence.contoso.com", XmppConfig.LocalPart.USER);
        assertThat(jids.of("Anna.Schmidt@contoso.com")).hasValueSatisfying(j -> assertThat(j.toString()).isEqualTo("anna.schmidt@presence.contoso.com"));
        assertThat(jids.of("o'brien@contoso.com")).hasValueSatisfying(j -> assertThat(j.toString()).isEqualTo("o\\27brien@presence.contoso.com"));
    }

    @Test
    void theWholeAddressTellsUsersOfSeveralMailDomainsApart() {
        ContactJids jids = new ContactJids("presence.contoso.com", XmppConfig.LocalPart.ADDRESS);
        assertThat(jids.of("anna@fabrikam.com")).hasValueSatisfying(j -> assertThat(j.toString()).isEqualTo("anna\\40fabrikam.com@presence.contoso.com"));
    }
}
