package io.presencesync.adapter.demo;

import io.presencesync.adapter.demo.DemoCertificate.DemoCertificateException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DemoCertificateTest {

    @Test
    void keytoolMakesALocalhostCertificateAndTheTrustStoreHoldsOnlyThatCertificate() throws Exception {
        try (DemoCertificate demo = DemoCertificate.generate()) {
            X509Certificate cert = demo.certificate();
            assertThat(cert.getSubjectX500Principal().getName()).startsWith("CN=localhost");
            assertThat(cert.getSubjectAlternativeNames().stream().map(san -> String.valueOf(san.get(1))).toList())
                    .containsExactlyInAnyOrder("localhost", "127.0.0.1");
            assertThat(Duration.between(cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant()))
                    .isEqualTo(Duration.ofDays(2));

            KeyStore trust = load(demo.trustStore(), demo.password());
            assertThat(Collections.list(trust.aliases())).singleElement()
                    .satisfies(alias -> {
                        assertThat(trust.isCertificateEntry(alias)).isTrue();
                        assertThat(trust.getCertificate(alias)).isEqualTo(cert);
                    });
            assertThat(load(demo.keyStore(), demo.password()).isKeyEntry(DemoCertificate.ALIAS)).isTrue();
            assertThat(demo.password()).hasSizeGreaterThanOrEqualTo(32);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(demo.keyStore().getParent())))
                    .isEqualTo("rwx------");
        }
    }

    @Test
    void closeDeletesTheGeneratedFiles() {
        DemoCertificate demo = DemoCertificate.generate();
        Path dir = demo.keyStore().getParent();

        demo.close();

        assertThat(dir).doesNotExist();
    }

    @Test
    void aFailingKeytoolIsReportedWithItsOwnOutput(@TempDir Path dir) throws Exception {
        Path keytool = dir.resolve("keytool");
        Files.writeString(keytool, "#!/bin/sh\necho 'keytool error: java.lang.Exception: Key pair not generated' >&2\nexit 1\n");
        Files.setPosixFilePermissions(keytool, PosixFilePermissions.fromString("rwx------"));

        assertThatThrownBy(() -> DemoCertificate.generate(keytool))
                .isInstanceOf(DemoCertificateException.class)
                .hasMessageContaining("keytool exited with 1")
                .hasMessageContaining("Key pair not generated");
    }

    @Test
    void aMissingKeytoolIsReportedByItsPath(@TempDir Path dir) {
        Path keytool = dir.resolve("no-such-keytool");

        assertThatThrownBy(() -> DemoCertificate.generate(keytool))
                .isInstanceOf(DemoCertificateException.class)
                .hasMessageContaining(keytool.toString());
    }

    @Test
    void anExistingKeyStoreIsServedAndStaysWhenClosed() {
        try (DemoCertificate generated = DemoCertificate.generate()) {
            DemoCertificate shared = DemoCertificate.of(generated.keyStore(), generated.password());
            assertThat(shared.certificate()).isEqualTo(generated.certificate());

            shared.close();

            assertThat(shared.trustStore()).doesNotExist();
            assertThat(generated.keyStore()).exists();
        }
    }

    private static KeyStore load(Path file, char[] password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password);
        }
        return ks;
    }
}
