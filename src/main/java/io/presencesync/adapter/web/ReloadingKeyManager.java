package io.presencesync.adapter.web;

import io.presencesync.adapter.config.ApiConfig;
import io.presencesync.adapter.config.ConfigException;
import io.presencesync.adapter.config.PemKeyMaterial;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The API server's certificate and key from PEM files, re-read at a handshake when either file
 * changed (cert-manager renews them in place), so a renewed certificate is served without a restart.
 * Material that does not load (a file half-written, a key of another certificate) is logged and the
 * previous one is served until the files are fixed.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager {

    private static final Logger log = LoggerFactory.getLogger(ReloadingKeyManager.class);

    private final ApiConfig.Tls files;
    private Object version;
    private int generation;
    /** The material served now, and the one before: a handshake that chose its alias just before a reload still gets a matching pair. */
    private PemKeyMaterial material;
    private PemKeyMaterial previous;

    /** @throws ConfigException when the files do not load now, naming the file */
    ReloadingKeyManager(ApiConfig.Tls files) {
        this.files = files;
        this.version = version();
        this.material = PemKeyMaterial.read(files);
    }

    /** The certificate served now (reloaded first if its files changed). */
    X509Certificate certificate() {
        return current().chain().get(0);
    }

    private synchronized PemKeyMaterial current() {
        Object now = version();
        if (!Objects.equals(now, version)) {
            version = now;
            try {
                PemKeyMaterial loaded = PemKeyMaterial.read(files);
                previous = material;
                material = loaded;
                generation++;
                log.info("api TLS: loaded the certificate {} (valid until {}) from {}", material.chain().get(0).getSubjectX500Principal(),
                        material.chain().get(0).getNotAfter().toInstant(), files.certificateFile());
            } catch (ConfigException e) {
                log.error("api TLS: keeping the previous certificate: {}", e.getMessage());
            }
        }
        return material;
    }

    private Object version() {
        List<Object> v = new ArrayList<>();
        for (Path p : List.of(files.certificateFile(), files.keyFile())) {
            try {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                v.add(List.of(a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey())));
            } catch (IOException e) {
                v.add(e.getClass().getName());
            }
        }
        return v;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) { return alias(keyType); }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) { return alias(keyType); }

    private synchronized String alias(String keyType) {
        PemKeyMaterial m = current();
        String algorithm = m.key().getAlgorithm();
        boolean fits = keyType.equals(algorithm) || keyType.startsWith(algorithm + "_") || "EdDSA".equals(keyType) && algorithm.startsWith("Ed");
        return fits ? alias(generation) : null;
    }

    private static String alias(int generation) { return "api-" + generation; }

    private synchronized PemKeyMaterial of(String alias) {
        if (alias(generation).equals(alias)) return material;
        return alias(generation - 1).equals(alias) && previous != null ? previous : null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        PemKeyMaterial m = of(alias);
        return m == null ? null : m.chain().toArray(X509Certificate[]::new);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        PemKeyMaterial m = of(alias);
        return m == null ? null : m.key();
    }

    @Override
    public synchronized String[] getServerAliases(String keyType, Principal[] issuers) { return new String[] {alias(generation)}; }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) { return new String[0]; }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) { return null; }
}
