package io.presencesync.adapter.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class XmppConfigReaderTest {

    @TempDir
    Path dir;

    private AppConfig read(String federation) throws IOException {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, ConfigLoaderTest.tenant("") + federation);
        return new ConfigLoader(Map.of("CONTOSO_SECRET", "s3cret", "XMPP_SECRET", "component-secret")).read(file);
    }

    @Test
    void aMinimalComponentGetsItsDefaults() throws IOException {
        XmppConfig x = read("""
                federation:
                  xmpp:
                    host: xmpp.contoso.com
                    domain: presence.contoso.com
                    secretEnv: XMPP_SECRET
                    subscribersFile: /var/lib/presence-sync/xmpp-subscribers.jsonl
                """).xmpp().orElseThrow();
        assertThat(x.port()).isEqualTo(5347);
        assertThat(x.tls()).isFalse();
        assertThat(x.policy()).isEqualTo(XmppConfig.Policy.APPROVE_ALL);
        assertThat(x.localPart()).isEqualTo(XmppConfig.LocalPart.USER);
        assertThat(x.stanzasPerSecond()).isEqualTo(500);
        assertThat(x.timeZone()).isEqualTo(ZoneId.systemDefault());
        assertThat(x.reconnectBackoff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(x.secret().read(Map.of("XMPP_SECRET", "component-secret"))).isEqualTo("component-secret");
    }

    @Test
    void approvedDomainsGoWithTheirPolicy() throws IOException {
        XmppConfig x = read("""
                federation:
                  xmpp: {host: xmpp.contoso.com, domain: presence.contoso.com, secretEnv: XMPP_SECRET, subscribersFile: s.jsonl,
                         subscriptionPolicy: approveDomains, approvedDomains: [contoso.com, Fabrikam.com], tls: true, timeZone: Europe/Berlin}
                """).xmpp().orElseThrow();
        assertThat(x.approvedDomains()).isEqualTo(List.of("contoso.com", "fabrikam.com"));
        assertThat(x.approves("FABRIKAM.com")).isTrue();
        assertThat(x.approves("elsewhere.example")).isFalse();
        assertThatThrownBy(() -> read("""
                federation:
                  xmpp: {host: h, domain: presence.contoso.com, secretEnv: XMPP_SECRET, subscribersFile: s.jsonl, subscriptionPolicy: approveDomains}
                """)).hasMessageContaining("federation.xmpp.approvedDomains");
    }

    @Test
    void mistakesAreNamedWithTheirField() {
        assertThatThrownBy(() -> read("""
                federation:
                  xmpp: {host: h, domain: presence.contoso.com, secretEnv: MISSING, subscribersFile: s.jsonl}
                """)).hasMessageContaining("federation.xmpp.secretEnv").hasMessageContaining("MISSING");
        assertThatThrownBy(() -> read("""
                federation:
                  xmpp: {host: h, domain: "presence contoso", secretEnv: XMPP_SECRET, subscribersFile: s.jsonl}
                """)).hasMessageContaining("federation.xmpp.domain");
        assertThatThrownBy(() -> read("""
                federation:
                  xmpp: {host: h, domain: presence.contoso.com, secretEnv: XMPP_SECRET}
                """)).hasMessageContaining("federation.xmpp.subscribersFile: required");
        assertThatThrownBy(() -> read("""
                federation:
                  xmpp: {host: h, domain: presence.contoso.com, secretEnv: XMPP_SECRET, subscribersFile: s.jsonl, subscriptionPolicy: maybe}
                """)).hasMessageContaining("federation.xmpp.subscriptionPolicy").hasMessageContaining("approveAll, approveDomains, deny");
    }

    @Test
    void theComponentShowsTheEmbeddedStoreSoItNeedsOne() {
        assertThatThrownBy(() -> read("""
                publishers: [{type: http, url: "https://uc.contoso.com/{userId}"}]
                federation:
                  xmpp: {host: h, domain: presence.contoso.com, secretEnv: XMPP_SECRET, subscribersFile: s.jsonl}
                """)).hasMessageContaining("federation.xmpp").hasMessageContaining("embedded");
    }

    @Test
    void aClusterKeepsTheSubscribersInItsDatabaseNotInAFile() {
        assertThatThrownBy(() -> read("""
                publishers: [{type: embedded}, {type: http, url: "https://uc.contoso.com/{userId}"}]
                cluster: {jdbcUrl: "jdbc:postgresql://db:5432/presence", username: presence}
                federation:
                  xmpp: {host: h, domain: presence.contoso.com, secretEnv: XMPP_SECRET, subscribersFile: s.jsonl}
                """)).hasMessageContaining("federation.xmpp.subscribersFile").hasMessageContaining("PostgreSQL");
    }
}
