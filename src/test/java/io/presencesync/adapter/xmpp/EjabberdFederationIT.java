package io.presencesync.adapter.xmpp;

import io.presencesync.adapter.config.XmppConfig;
import io.presencesync.application.status.FederationState;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/** The XMPP federation through Debian's ejabberd, which also offers the component port over direct TLS. */
class EjabberdFederationIT extends XmppFederationScenario {

    @Override
    XmppTestServer newServer() throws Exception { return new EjabberdServer(); }

    @Test
    void theComponentConnectsOverDirectTlsCheckingTheServersCertificate() throws Exception {
        EjabberdServer ejabberd = new EjabberdServer();
        server = ejabberd;
        server.start();
        XmppConfig plain = config();
        XmppConfig tls = new XmppConfig(plain.host(), ejabberd.componentTlsPort, plain.domain(), plain.secret(), true, plain.policy(),
                plain.approvedDomains(), plain.localPart(), plain.subscribersFile(), plain.stanzasPerSecond(), plain.timeZone(), plain.name(),
                plain.reconnectBackoff(), plain.maxReconnectBackoff(), plain.maxSubscriptions());
        ContactJids jids = new ContactJids(tls.domain(), tls.localPart());
        federation = new XmppFederation(tls, Map.of("XMPP_SECRET", XmppTestServer.SECRET), trusting(ejabberd).getSocketFactory(), clock,
                new StoreContacts(store, jids), jids, new FileSubscriberStore(tls.subscribersFile()), Leadership.SINGLE_NODE);
        federation.start();
        await("the component to connect over TLS").atMost(Duration.ofSeconds(20))
                .until(() -> federation.state().state().equals(FederationState.CONNECTED));
    }

    /** An SSL context that trusts exactly the test server's self-made certificate, as a truststore holding it would. */
    private static SSLContext trusting(EjabberdServer server) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(server.certificate())) {
            trust.setCertificateEntry("ejabberd", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
