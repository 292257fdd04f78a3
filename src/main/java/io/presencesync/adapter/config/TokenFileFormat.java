package io.presencesync.adapter.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A token file: one token a line, so that a rotation can list the old and the new token at once;
 * empty lines are ignored. A token has at least {@link #MIN_LENGTH} visible ASCII characters
 * (e.g. {@code openssl rand -hex 32}): shorter ones could be guessed.
 */
public final class TokenFileFormat {

    public static final int MIN_LENGTH = 32;

    private TokenFileFormat() {}

    /**
     * The tokens of {@code file}.
     *
     * @throws ConfigException naming the file and the line, never a token, when the file cannot be read,
     *                         holds no token, or a line is not a usable token
     */
    public static List<String> read(Path file) {
        if (!Files.isRegularFile(file)) throw new ConfigException("file not found: " + file);
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String token = lines.get(i).strip();
            if (token.isEmpty()) continue;
            if (token.length() < MIN_LENGTH || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new ConfigException(file + " line " + (i + 1) + ": not a usable token (at least " + MIN_LENGTH
                        + " visible ASCII characters, e.g. from 'openssl rand -hex 32')");
            }
            tokens.add(token);
        }
        if (tokens.isEmpty()) throw new ConfigException("file holds no token: " + file);
        return tokens;
    }
}
