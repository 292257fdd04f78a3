package io.presencesync.adapter.web;

import io.presencesync.adapter.config.ApiConfig;
import io.presencesync.adapter.config.ConfigException;
import io.presencesync.adapter.config.TokenFileFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The configured tokens, by their files. Only each token's SHA-256 digest is kept in memory; a
 * presented token is hashed and compared with every digest in constant time
 * ({@link MessageDigest#isEqual}), so neither the comparison nor its early end tells how much of a
 * guess was right. A file is re-read when its modification time, size or identity changes (a
 * Kubernetes Secret update swaps a symbolic link, which changes the file's identity); a file that
 * cannot be read or holds an unusable line then admits no token of that name until it is fixed.
 */
final class TokenStore {

    private static final Logger log = LoggerFactory.getLogger(TokenStore.class);

    private final List<TokenFile> files;

    TokenStore(List<ApiConfig.Token> tokens) {
        this.files = tokens.stream().map(TokenFile::new).toList();
    }

    /** The caller that {@code token} belongs to, or empty. */
    Optional<Caller> authenticate(String token) {
        return byDigest(digest(token));
    }

    /** The caller whose file still holds the token of this digest (a session ends with its token). */
    Optional<Caller> byDigest(byte[] digest) {
        Caller found = null;
        for (TokenFile f : files) {
            for (byte[] d : f.digests()) {
                if (MessageDigest.isEqual(d, digest) && found == null) found = f.caller;
            }
        }
        return Optional.ofNullable(found);
    }

    boolean isEmpty() { return files.isEmpty(); }

    static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static final class TokenFile {
        final ApiConfig.Token config;
        final Caller caller;
        private Object version;
        private List<byte[]> digests = List.of();

        TokenFile(ApiConfig.Token config) {
            this.config = config;
            this.caller = new Caller(config.name(), config.scopes(), false);
        }

        synchronized List<byte[]> digests() {
            Object now = version();
            if (!Objects.equals(now, version)) {
                version = now;
                digests = read();
            }
            return digests;
        }

        private Object version() {
            try {
                BasicFileAttributes a = Files.readAttributes(config.file(), BasicFileAttributes.class);
                return List.of(a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey()));
            } catch (IOException e) {
                return e.getClass().getName();
            }
        }

        private List<byte[]> read() {
            try {
                List<byte[]> read = TokenFileFormat.read(config.file()).stream().map(TokenStore::digest).toList();
                log.info("api token {}: read {} token(s) from {}", config.name(), read.size(), config.file());
                return read;
            } catch (ConfigException e) {
                log.error("api token {}: no request is admitted with it until its file is fixed: {}", config.name(), e.getMessage());
                return List.of();
            }
        }
    }
}
