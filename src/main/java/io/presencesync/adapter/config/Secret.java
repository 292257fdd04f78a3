package io.presencesync.adapter.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A secret read from {@code file}, or else from the environment variable {@code env}. */
public record Secret(Path file, String env) {
    public Secret {
        if ((file == null) == (env == null)) throw new IllegalArgumentException("exactly one of file or env");
    }

    /** The secret now (a rotated file is read again); a trailing line break is not part of it. */
    public String read(Map<String, String> environment) {
        String value;
        if (file != null) {
            try {
                value = Files.readString(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read secret file " + file, e);
            }
        } else {
            value = environment.get(env);
            if (value == null) throw new IllegalStateException("environment variable " + env + " is not set");
        }
        return value.strip();
    }

    @Override
    public String toString() {
        return file != null ? "file " + file : "environment variable " + env;
    }

    /** A secret by file or environment variable, checked now: it must exist and not be empty. */
    static Secret from(ConfigNode c, Map<String, String> env, String fileKey, String envKey, boolean required) {
        boolean file = c.has(fileKey);
        boolean envVar = c.has(envKey);
        if (file && envVar || required && !file && !envVar) {
            throw c.error("give " + (required ? "exactly" : "at most") + " one of " + fileKey + " or " + envKey
                    + " (the secret itself never goes in this file)");
        }
        if (file) {
            ConfigNode f = c.child(fileKey);
            Path path = Path.of(f.text());
            if (!Files.isRegularFile(path)) throw f.error("file not found: " + path);
            if (!Files.isReadable(path)) throw f.error("file not readable: " + path);
            Secret secret = new Secret(path, null);
            if (secret.read(env).isEmpty()) throw f.error("file is empty: " + path);
            return secret;
        }
        if (envVar) {
            String name = c.child(envKey).text();
            String value = env.get(name);
            if (value == null || value.isBlank()) throw c.child(envKey).error("environment variable " + name + " is not set");
            return new Secret(null, name);
        }
        return null;
    }
}
