package io.presencesync.adapter.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A secret the configuration names but never holds (a client secret, a password, a token): read
 * from {@code file}, e.g. a mounted Kubernetes Secret, or else from the environment variable
 * {@code env}, afresh at every read so that a rotated file counts.
 * <p>
 * One rule for every secret: trailing line breaks (CR, LF) are not part of it, since a Kubernetes
 * Secret file, {@code echo} and most editors end the text with one; every other character is,
 * spaces at either end included, since a password may begin or end with one. A secret that is
 * empty or only whitespace is refused.
 */
public record Secret(Path file, String env) {
    public Secret {
        if ((file == null) == (env == null)) throw new IllegalArgumentException("exactly one of file or env");
    }

    /** The secret in {@code file}. */
    public static Secret file(Path file) { return new Secret(file, null); }

    /** The secret in the environment variable {@code name}. */
    public static Secret env(String name) { return new Secret(null, name); }

    /**
     * The secret now.
     *
     * @throws ConfigException when the file cannot be read, the variable is not set, or either is empty;
     *                         the message names the file or variable, never the value
     */
    public String read(Map<String, String> environment) {
        String text;
        if (file != null) {
            if (!Files.isRegularFile(file)) throw new ConfigException("file not found: " + file);
            if (!Files.isReadable(file)) throw new ConfigException("file not readable: " + file);
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                throw new ConfigException("cannot read " + file + ": " + e.getMessage(), e);
            }
        } else {
            text = environment.get(env);
            if (text == null) throw new ConfigException("environment variable " + env + " is not set");
        }
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) end--;
        String value = text.substring(0, end);
        if (value.isBlank()) throw new ConfigException(file != null ? "file is empty: " + file : "environment variable " + env + " is empty");
        return value;
    }

    @Override
    public String toString() {
        return file != null ? "file " + file : "environment variable " + env;
    }

    /**
     * The secret of {@code fileKey} or {@code envKey} of {@code c}, or null when neither is given and
     * none is {@code required}; read now, so a missing or empty one fails at load time, named with its field.
     */
    static Secret from(ConfigNode c, Map<String, String> env, String fileKey, String envKey, boolean required) {
        boolean file = c.has(fileKey);
        boolean envVar = c.has(envKey);
        if (file && envVar || required && !file && !envVar) {
            throw c.error("give " + (required ? "exactly" : "at most") + " one of " + fileKey + " or " + envKey
                    + " (the secret itself never goes in this file)");
        }
        if (!file && !envVar) return null;
        ConfigNode field = c.child(file ? fileKey : envKey);
        Secret secret = file ? file(Path.of(field.text())) : env(field.text());
        try {
            secret.read(env);
        } catch (ConfigException e) {
            throw field.error(e.getMessage());
        }
        return secret;
    }
}
