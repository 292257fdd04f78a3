package io.presencesync.adapter.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed server certificate for localhost / 127.0.0.1 in a PKCS12 key store, plus a PKCS12
 * trust store holding only that certificate. Made with the JDK's keytool; files go on close.
 */
public final class DemoCertificate implements AutoCloseable {

    static final String ALIAS = "presence-sync-demo-graph";
    static final String DISTINGUISHED_NAME = "CN=localhost, OU=presence-sync demo Graph simulator";
    static final String SUBJECT_ALTERNATIVE_NAMES = "SAN=dns:localhost,ip:127.0.0.1";
    private static final long KEYTOOL_TIMEOUT_SECONDS = 60;
    /** keytool reads the password from this variable, so it never shows in the process list. */
    private static final String PASSWORD_VARIABLE = "PRESENCE_SYNC_DEMO_STOREPASS";

    private final Path directory;
    private final Path keyStore;
    private final Path trustStore;
    private final char[] password;
    private final X509Certificate certificate;

    private DemoCertificate(Path directory, Path keyStore, Path trustStore, char[] password, X509Certificate certificate) {
        this.directory = directory;
        this.keyStore = keyStore;
        this.trustStore = trustStore;
        this.password = password;
        this.certificate = certificate;
    }

    /** Generates a fresh key pair and certificate (valid 2 days) with a random password. */
    public static DemoCertificate generate() {
        return generate(Path.of(System.getProperty("java.home"), "bin", "keytool"));
    }

    /** Uses an existing PKCS12 key store holding one key entry (not deleted on close), e.g. one shared by tests. */
    public static DemoCertificate of(Path keyStore, char[] password) {
        Path dir = tempDirectory();
        try {
            char[] copy = password.clone();
            X509Certificate cert = keyCertificate(load(keyStore, copy), keyStore);
            return new DemoCertificate(dir, keyStore, writeTrustStore(dir, cert, copy), copy, cert);
        } catch (RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    static DemoCertificate generate(Path keytool) {
        Path dir = tempDirectory();
        try {
            char[] pw = randomPassword();
            Path ks = dir.resolve("server.p12");
            Path log = dir.resolve("keytool.log");
            ks.toFile().deleteOnExit();
            log.toFile().deleteOnExit();
            runKeytool(keytool, ks, pw, log);
            X509Certificate cert = keyCertificate(load(ks, pw), ks);
            return new DemoCertificate(dir, ks, writeTrustStore(dir, cert, pw), pw, cert);
        } catch (RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    /** The PKCS12 key store with the private key, for the HTTPS server. */
    public Path keyStore() { return keyStore; }

    /** The PKCS12 trust store holding only the certificate, for {@code javax.net.ssl.trustStore}. */
    public Path trustStore() { return trustStore; }

    /** The password of both stores (a copy). */
    public char[] password() { return password.clone(); }

    public X509Certificate certificate() { return certificate; }

    /** A server-side TLS context presenting this certificate. */
    SSLContext serverContext() {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(keyStore, password), password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a TLS context from " + keyStore, e);
        }
    }

    @Override
    public void close() {
        deleteTree(directory);
    }

    private static void runKeytool(Path keytool, Path ks, char[] pw, Path log) {
        List<String> command = List.of(keytool.toString(), "-genkeypair", "-noprompt",
                "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", DISTINGUISHED_NAME, "-ext", SUBJECT_ALTERNATIVE_NAMES,
                "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass:env", PASSWORD_VARIABLE);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put(PASSWORD_VARIABLE, new String(pw));
        Process process;
        try {
            process = builder.start();
            process.getOutputStream().close(); // keytool must never wait for a prompt's answer
        } catch (IOException e) {
            throw new DemoCertificateException("cannot run keytool " + keytool + ": " + e.getMessage(), e);
        }
        try {
            if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new DemoCertificateException("keytool did not finish within " + KEYTOOL_TIMEOUT_SECONDS
                        + " s; output: " + read(log));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new DemoCertificateException("interrupted while waiting for keytool", e);
        }
        if (process.exitValue() != 0 || !Files.isRegularFile(ks)) {
            throw new DemoCertificateException("keytool exited with " + process.exitValue() + ": " + read(log));
        }
    }

    private static Path writeTrustStore(Path dir, X509Certificate cert, char[] pw) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry(ALIAS, cert);
            Path file = dir.resolve("truststore.p12");
            try (OutputStream out = Files.newOutputStream(file)) {
                trust.store(out, pw);
            }
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo trust store", e);
        } catch (GeneralSecurityException e) {
            throw new DemoCertificateException("cannot build the demo trust store", e);
        }
    }

    private static KeyStore load(Path file, char[] pw) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, pw);
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new DemoCertificateException("cannot read key store " + file + ": " + e.getMessage(), e);
        }
    }

    private static X509Certificate keyCertificate(KeyStore ks, Path file) {
        try {
            for (String alias : Collections.list(ks.aliases())) {
                if (ks.isKeyEntry(alias) && ks.getCertificate(alias) instanceof X509Certificate x509) return x509;
            }
        } catch (GeneralSecurityException e) {
            throw new DemoCertificateException("cannot read key store " + file, e);
        }
        throw new DemoCertificateException("key store " + file + " holds no private key with an X.509 certificate");
    }

    private static char[] randomPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).toCharArray();
    }

    private static Path tempDirectory() {
        try {
            // createTempDirectory makes it owner-only on POSIX systems: the key never becomes world-readable.
            Path dir = Files.createTempDirectory("presence-sync-demo-tls-");
            dir.toFile().deleteOnExit(); // registered first, so deleted after the files inside
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the demo certificate", e);
        }
    }

    private static String read(Path log) {
        try {
            return Files.isRegularFile(log) ? Files.readString(log, StandardCharsets.UTF_8).strip() : "";
        } catch (IOException e) {
            return "(output unreadable: " + e.getMessage() + ")";
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
        } catch (IOException ignored) {
            // fall through: deleteOnExit catches what is left
        }
        for (Path p : paths) p.toFile().delete();
    }

    /** Why a demo certificate could not be made or read; carries keytool's own output. */
    public static final class DemoCertificateException extends RuntimeException {
        DemoCertificateException(String message) { super(message); }

        DemoCertificateException(String message, Throwable cause) { super(message, cause); }
    }
}
