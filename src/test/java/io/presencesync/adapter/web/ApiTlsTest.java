package io.presencesync.adapter.web;

import io.presencesync.adapter.config.ApiConfig;
import io.presencesync.adapter.config.ConfigException;
import io.presencesync.adapter.demo.DemoCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.FileInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** HTTPS on the API port from PEM files as cert-manager writes them, and a renewed certificate served without a restart. */
class ApiTlsTest {

    @TempDir
    Path dir;

    final WebFixture web = new WebFixture();
    ApiServer tls;

    @AfterEach
    void stop() {
        if (tls != null) tls.close();
        web.close();
    }

    @Test
    void theApiServesTheConfiguredCertificateAndARenewedOneAfterTheFilesChange() throws Exception {
        try (DemoCertificate first = DemoCertificate.generate(); DemoCertificate renewed = DemoCertificate.generate()) {
            writePem(first, "tls.crt", "tls.key");
            tls = ApiServer.bind(new ApiConfig("127.0.0.1", 0, List.of(new ApiConfig.Token("reader", web.tokens.resolve("reader"),
                    Set.of(ApiConfig.Scope.READ))), Optional.of(new ApiConfig.Tls(dir.resolve("tls.crt"), dir.resolve("tls.key"))),
                    ApiConfig.Limits.DEFAULTS), new ApiServer.Content(web.health, web.store, web.directory, WebFixture.TENANTS, web.clock, web.explainer));
            tls.start();
            assertThat(tls.scheme()).isEqualTo("https");

            assertThat(servedCertificate(first, renewed)).isEqualTo(first.certificate());
            HttpResponse<String> presences = HttpClient.newBuilder().sslContext(trusting(first)).build().send(
                    HttpRequest.newBuilder(URI.create("https://localhost:" + tls.port() + "/api/presences"))
                            .header("Authorization", "Bearer " + web.readerToken).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(presences.statusCode()).isEqualTo(200);
            assertThat(presences.headers().firstValue("Set-Cookie")).isEmpty();

            Path staged = Files.createDirectories(dir.resolve("staged"));
            writePem(renewed, "staged/tls.crt", "staged/tls.key");
            Files.move(staged.resolve("tls.key"), dir.resolve("tls.key"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.move(staged.resolve("tls.crt"), dir.resolve("tls.crt"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

            assertThat(servedCertificate(first, renewed)).as("the renewed certificate, without a restart").isEqualTo(renewed.certificate());
        }
    }

    @Test
    void aKeyThatDoesNotBelongToTheCertificateIsRefusedAtStartNamingTheFiles() throws Exception {
        try (DemoCertificate one = DemoCertificate.generate(); DemoCertificate other = DemoCertificate.generate()) {
            writePem(one, "tls.crt", "ignored.key");
            writePem(other, "ignored.crt", "tls.key");
            ApiConfig config = new ApiConfig("127.0.0.1", 0, List.of(), Optional.of(new ApiConfig.Tls(dir.resolve("tls.crt"), dir.resolve("tls.key"))),
                    ApiConfig.Limits.DEFAULTS);
            assertThatThrownBy(() -> ApiServer.bind(config, new ApiServer.Content(web.health, web.store, web.directory, WebFixture.TENANTS, web.clock, web.explainer)))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("api.tls.keyFile: " + dir.resolve("tls.key") + ": the private key does not belong to the first certificate");
        }
    }

    /** The certificate the server presents in a fresh handshake. */
    X509Certificate servedCertificate(DemoCertificate... trusted) throws Exception {
        try (SSLSocket socket = (SSLSocket) trusting(trusted).getSocketFactory().createSocket("127.0.0.1", tls.port())) {
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    static SSLContext trusting(DemoCertificate... certificates) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (int i = 0; i < certificates.length; i++) trust.setCertificateEntry("c" + i, certificates[i].certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** The certificate and key of a demo key store as PEM files: the key as PKCS#8, as cert-manager writes it with encoding PKCS8. */
    void writePem(DemoCertificate certificate, String certificateFile, String keyFile) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(certificate.keyStore().toFile())) {
            store.load(in, certificate.password());
        }
        String alias = store.aliases().nextElement();
        PrivateKey key = (PrivateKey) store.getKey(alias, certificate.password());
        Certificate[] chain = store.getCertificateChain(alias);
        StringBuilder pem = new StringBuilder();
        for (Certificate c : chain) pem.append(pem("CERTIFICATE", c.getEncoded()));
        write(dir.resolve(certificateFile), pem.toString());
        write(dir.resolve(keyFile), pem("PRIVATE KEY", key.getEncoded()));
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.US_ASCII);
    }
}
