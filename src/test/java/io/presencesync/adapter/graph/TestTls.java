package io.presencesync.adapter.graph;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One self-signed server certificate (SAN localhost and 127.0.0.1) for the HTTPS stubs, made with
 * the JDK's keytool once per JVM, and trusted the way production trusts anything: through the
 * standard {@code javax.net.ssl.trustStore*} properties. Certificate checks stay on everywhere.
 *
 * <p>Those properties are JVM-wide. OkHttp (Graph SDK) reads them whenever a client is built, but
 * Azure Identity's Netty client captures the trust anchors once, at the first HTTPS request through
 * reactor-netty in the JVM. So this fixture never narrows trust: when the properties already name
 * a trust store (surefire configuration, another test's fixture) it writes a new store holding
 * that store's certificates <em>plus</em> ours and points the properties at it. It must run before
 * the first HTTPS request of the JVM for Netty to see it; see the report on sharing one fixture.
 */
final class TestTls {

    static final String PASSWORD = "changeit";
    static final String ALIAS = "presence-sync-graph-stub";
    /**
     * Names a PKCS12 server key store (password {@value #PASSWORD}) made before the tests, e.g. by the
     * build together with the trust store it hands to the JVM; then nothing is generated here.
     */
    static final String KEYSTORE_PROPERTY = "presencesync.test.tls.keystore";

    private static Path dir;
    private static Path keyStore;
    private static Certificate certificate;

    private TestTls() {}

    /** The PKCS12 key store for HTTPS stubs; makes sure the JVM-wide trust store trusts its certificate. */
    static synchronized Path serverKeyStore() {
        if (keyStore == null) {
            String given = System.getProperty(KEYSTORE_PROPERTY);
            if (given != null && !given.isBlank()) useGiven(Path.of(given));
            else generate();
        }
        trustJvmWide();
        return keyStore;
    }

    static synchronized Certificate certificate() {
        serverKeyStore();
        return certificate;
    }

    /** Points javax.net.ssl.trustStore* at a store that trusts our certificate and whatever was trusted before. */
    static synchronized void trustJvmWide() {
        String current = System.getProperty("javax.net.ssl.trustStore");
        try {
            KeyStore merged = KeyStore.getInstance("PKCS12");
            merged.load(null, null);
            if (current != null && !current.isBlank() && Files.isReadable(Path.of(current))) {
                KeyStore existing = load(Path.of(current),
                        System.getProperty("javax.net.ssl.trustStoreType", KeyStore.getDefaultType()),
                        System.getProperty("javax.net.ssl.trustStorePassword"));
                if (existing.getCertificateAlias(certificate) != null) return; // already trusted
                for (String alias : Collections.list(existing.aliases())) {
                    Certificate c = existing.getCertificate(alias);
                    if (c != null) merged.setCertificateEntry(alias, c);
                }
            }
            merged.setCertificateEntry(merged.containsAlias(ALIAS) ? ALIAS + "-" + System.nanoTime() : ALIAS, certificate);
            Path file = Files.createTempFile(dir, "truststore-", ".p12");
            try (OutputStream out = Files.newOutputStream(file)) {
                merged.store(out, PASSWORD.toCharArray());
            }
            System.setProperty("javax.net.ssl.trustStore", file.toString());
            System.setProperty("javax.net.ssl.trustStorePassword", PASSWORD);
            System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the test trust store", e);
        }
    }

    private static void useGiven(Path ks) {
        try {
            KeyStore store = load(ks, "PKCS12", PASSWORD);
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) certificate = store.getCertificate(alias);
            }
            if (certificate == null) throw new IllegalStateException(ks + " (" + KEYSTORE_PROPERTY + ") holds no key");
            dir = Files.createTempDirectory("presence-sync-tls-");
            keyStore = ks;
            Runtime.getRuntime().addShutdownHook(new Thread(TestTls::deleteDir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read " + ks + " (" + KEYSTORE_PROPERTY + ")", e);
        }
    }

    private static void generate() {
        try {
            dir = Files.createTempDirectory("presence-sync-tls-");
            Path ks = dir.resolve("server.p12");
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process p = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-noprompt",
                    "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                    "-dname", "CN=localhost, OU=presence-sync graph stub", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                    "-storetype", "PKCS12", "-keystore", ks.toString(),
                    "-storepass", PASSWORD, "-keypass", PASSWORD))
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool failed: " + output);
            }
            certificate = load(ks, "PKCS12", PASSWORD).getCertificate(ALIAS);
            keyStore = ks;
            Runtime.getRuntime().addShutdownHook(new Thread(TestTls::deleteDir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the key store keytool wrote", e);
        }
    }

    private static KeyStore load(Path file, String type, String password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password == null ? null : password.toCharArray());
        }
        return ks;
    }

    private static void deleteDir() {
        try (var files = Files.list(dir)) {
            files.forEach(f -> f.toFile().delete());
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a leftover temp dir is harmless
        }
    }
}
