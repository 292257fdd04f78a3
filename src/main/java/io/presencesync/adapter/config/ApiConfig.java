package io.presencesync.adapter.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The API server: the status page, the embedded store's API and its event stream, each request
 * authenticated by a bearer token (or a session cookie made from one) that carries the route's scope.
 *
 * @param bindAddress the address to listen on (0.0.0.0 for all, 127.0.0.1 for this machine only)
 * @param port        the TCP port; 0 picks a free one (tests)
 * @param tokens      who may call; none: every request is refused
 * @param tls         HTTPS with this certificate and key, or empty for plain HTTP
 */
public record ApiConfig(String bindAddress, int port, List<Token> tokens, Optional<Tls> tls, Limits limits) {
    public static final int DEFAULT_PORT = 8081;
    public static final ApiConfig DEFAULTS = new ApiConfig("0.0.0.0", DEFAULT_PORT, List.of(), Optional.empty(), Limits.DEFAULTS);

    public ApiConfig {
        tokens = List.copyOf(tokens);
    }

    /** What a token may do: {@code read} presences, the event stream and the status page; {@code write} manual presences. */
    public enum Scope { READ, WRITE }

    /**
     * A named caller whose valid tokens are the lines of {@code file}: two lines while a token is rotated.
     * The file is re-read when it changes; the tokens are never held anywhere else.
     */
    public record Token(String name, Path file, Set<Scope> scopes) {
        public Token {
            scopes = Set.copyOf(scopes);
        }
    }

    /** A PEM certificate chain and its private key (PKCS#8, or PKCS#1 for RSA), re-read when they change. */
    public record Tls(Path certificateFile, Path keyFile) {}

    /**
     * @param requestsPerSecond    sustained requests per second of one token (or, before authentication, of one client address)
     * @param burst                requests one token may send at once above that rate
     * @param eventStreamsPerToken event streams one token may hold open at once
     * @param sessionTimeout       how long a browser session from the login form lasts
     */
    public record Limits(int requestsPerSecond, int burst, int eventStreamsPerToken, Duration sessionTimeout) {
        public static final Limits DEFAULTS = new Limits(20, 100, 4, Duration.ofHours(8));
    }
}
