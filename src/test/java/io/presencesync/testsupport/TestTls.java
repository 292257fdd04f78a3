package io.presencesync.testsupport;

import com.github.tomakehurst.wiremock.common.Slf4jNotifier;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one HTTPS identity of every test stub (SAN localhost and 127.0.0.1). The build makes it
 * before the tests (maven-antrun in pom.xml) and hands the test JVM a trust store holding it
 * through the standard {@code javax.net.ssl.trustStore*} properties — the same way production is
 * told to trust a CA. It must be JVM-wide from the start: Azure Identity's Netty client fixes its
 * trust anchors at the first TLS connection of the JVM.
 */
public final class TestTls {

    public static final String PASSWORD = "changeit";
    static final String KEYSTORE_PROPERTY = "presencesync.test.tls.keystore";

    private TestTls() {}

    /** The PKCS12 server key store (password {@value #PASSWORD}) for HTTPS stubs. */
    public static Path serverKeyStore() {
        String given = System.getProperty(KEYSTORE_PROPERTY);
        if (given == null || !Files.isReadable(Path.of(given)) || System.getProperty("javax.net.ssl.trustStore") == null) {
            throw new IllegalStateException("No test TLS identity: run the tests through Maven (mvn verify), which creates "
                    + "target/test-tls and sets " + KEYSTORE_PROPERTY + " and javax.net.ssl.trustStore*; in an IDE, "
                    + "run 'mvn generate-test-resources' once and copy those system properties from pom.xml.");
        }
        return Path.of(given);
    }

    /** A WireMock configuration on 127.0.0.1 with HTTP and HTTPS (this identity), ports chosen freely. */
    public static WireMockConfiguration wireMock() {
        return WireMockConfiguration.wireMockConfig()
                .bindAddress("127.0.0.1")
                .dynamicPort()
                .dynamicHttpsPort()
                .keystorePath(serverKeyStore().toString())
                .keystoreType("PKCS12")
                .keystorePassword(PASSWORD)
                .keyManagerPassword(PASSWORD)
                .notifier(new Slf4jNotifier(false));
    }
}
