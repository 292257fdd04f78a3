package io.presencesync.adapter.sip;

import io.presencesync.domain.User;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PresentitiesTest {

    static final User ANNA = new User("id-anna", "Anna.Schmidt@Contoso.com");

    @Test
    void theWholeAddressByDefault() {
        assertThat(new Presentities("sip:{address}").of(ANNA)).isEqualTo("sip:Anna.Schmidt@Contoso.com");
    }

    @Test
    void theLocalPartAtTheUcDomainOrTheDomainInLowerCase() {
        assertThat(new Presentities("sip:{localpart}@uc.example.com").of(ANNA)).isEqualTo("sip:Anna.Schmidt@uc.example.com");
        assertThat(new Presentities("sip:{localpart}@sip.{domain}").of(ANNA)).isEqualTo("sip:Anna.Schmidt@sip.contoso.com");
    }

    @Test
    void anAddressThatMakesNoSipUriIsRefusedNamingIt() {
        assertThatThrownBy(() -> new Presentities("sip:{localpart}@uc.example.com").of(new User("id", "anna schmidt@contoso.com")))
                .hasMessage("address anna schmidt@contoso.com makes no valid SIP URI from sip:{localpart}@uc.example.com (sip:anna schmidt@uc.example.com)");
        assertThatThrownBy(() -> new Presentities("sip:{address}").of(new User("id", "no-domain")))
                .hasMessage("address no-domain is not local@domain");
    }
}
