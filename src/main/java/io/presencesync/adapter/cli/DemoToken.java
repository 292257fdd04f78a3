package io.presencesync.adapter.cli;

import io.presencesync.adapter.config.ApiConfig;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** The demo's own API token: random, read and write, kept in a file like a production token; the API listens on 127.0.0.1 only. */
final class DemoToken {

    static final String NAME = "demo";
    private static final SecureRandom RANDOM = new SecureRandom();

    private DemoToken() {}

    static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static ApiConfig api(int port, Path tokenFile) {
        return new ApiConfig("127.0.0.1", port, List.of(new ApiConfig.Token(NAME, tokenFile, EnumSet.allOf(ApiConfig.Scope.class))),
                Optional.empty(), ApiConfig.Limits.DEFAULTS);
    }
}
