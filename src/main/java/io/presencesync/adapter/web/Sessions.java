package io.presencesync.adapter.web;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Browser sessions made from a token at the login form, and one-time login codes (the demo prints
 * a link carrying one). A session id is random and unrelated to the token; the session keeps only
 * the token's digest and ends when the token leaves its file, at logout, or after the timeout.
 * Kept in memory: a restart signs everyone out.
 */
final class Sessions {

    static final Duration CODE_LIFETIME = Duration.ofMinutes(10);
    /** Sessions and codes held at most; beyond that the oldest is dropped. */
    static final int MAX = 1000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Entry(byte[] tokenDigest, Instant expires) {}

    private final TokenStore tokens;
    private final Clock clock;
    private final Duration timeout;
    private final Map<String, Entry> sessions = new LinkedHashMap<>();
    private final Map<String, Entry> codes = new LinkedHashMap<>();

    Sessions(TokenStore tokens, Clock clock, Duration timeout) {
        this.tokens = tokens;
        this.clock = clock;
        this.timeout = timeout;
    }

    /** A new session id for a caller who proved to hold {@code token}, or empty when the token is not valid. */
    Optional<String> open(String token) {
        byte[] digest = TokenStore.digest(token);
        if (tokens.byDigest(digest).isEmpty()) return Optional.empty();
        return Optional.of(put(sessions, digest, timeout));
    }

    /** A code that opens one session within {@link #CODE_LIFETIME}, for a link; empty when the token is not valid. */
    Optional<String> loginCode(String token) {
        byte[] digest = TokenStore.digest(token);
        if (tokens.byDigest(digest).isEmpty()) return Optional.empty();
        return Optional.of(put(codes, digest, CODE_LIFETIME));
    }

    /** Opens a session with a login code, which is then spent. */
    Optional<String> redeem(String code) {
        Entry entry;
        synchronized (this) {
            entry = live(codes, code);
            codes.remove(code);
        }
        if (entry == null || tokens.byDigest(entry.tokenDigest()).isEmpty()) return Optional.empty();
        return Optional.of(put(sessions, entry.tokenDigest(), timeout));
    }

    /** The caller of a session, while it lasts and its token is still valid. */
    Optional<Caller> caller(String sessionId) {
        Entry entry;
        synchronized (this) {
            entry = live(sessions, sessionId);
        }
        if (entry == null) return Optional.empty();
        return tokens.byDigest(entry.tokenDigest()).map(c -> new Caller(c.name(), c.scopes(), true));
    }

    synchronized void close(String sessionId) { sessions.remove(sessionId); }

    Duration timeout() { return timeout; }

    private synchronized String put(Map<String, Entry> map, byte[] digest, Duration lifetime) {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Instant now = clock.instant();
        map.values().removeIf(e -> !e.expires().isAfter(now));
        if (map.size() >= MAX) {
            Iterator<String> oldest = map.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        map.put(id, new Entry(digest, now.plus(lifetime)));
        return id;
    }

    private Entry live(Map<String, Entry> map, String id) {
        Entry entry = id == null ? null : map.get(id);
        if (entry == null) return null;
        if (!entry.expires().isAfter(clock.instant())) {
            map.remove(id);
            return null;
        }
        return entry;
    }
}
