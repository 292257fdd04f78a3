package io.presencesync.adapter.graph;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One token per scope, shared by all of a tenant's Graph calls and renewed ahead of expiry.
 * MSAL's own cache misses whenever the authority carries an explicit port (tests, demo), and
 * azure-core's SimpleTokenCache parks the caller for 30 s after one failure; this does neither.
 * A failure is remembered briefly so that the requests of one poll fail fast together instead of
 * each asking the authority again, and a still-valid token outlives a failed renewal.
 */
final class CachedTokenCredential implements TokenCredential {

    static final Duration RENEW_BEFORE_EXPIRY = Duration.ofMinutes(5);
    static final Duration FAILURE_MEMORY = Duration.ofSeconds(2);

    private final TokenCredential delegate;
    private final Clock clock;
    private final Map<List<String>, Entry> entries = new ConcurrentHashMap<>();

    CachedTokenCredential(TokenCredential delegate, Clock clock) {
        this.delegate = delegate;
        this.clock = clock;
    }

    @Override
    public Mono<AccessToken> getToken(TokenRequestContext request) {
        return Mono.fromCallable(() -> getTokenSync(request));
    }

    @Override
    public AccessToken getTokenSync(TokenRequestContext request) {
        // A request with claims (continuous access evaluation rejected the token) needs a new one.
        if (request.getClaims() != null && !request.getClaims().isBlank()) return delegate.getTokenSync(request);
        return entries.computeIfAbsent(List.copyOf(request.getScopes()), k -> new Entry()).get(request);
    }

    private final class Entry {
        private AccessToken token;
        private RuntimeException failure;
        private Instant failedAt;

        synchronized AccessToken get(TokenRequestContext request) {
            Instant now = clock.instant();
            if (token != null && token.getExpiresAt().toInstant().minus(RENEW_BEFORE_EXPIRY).isAfter(now)) return token;
            if (failure != null && failedAt.plus(FAILURE_MEMORY).isAfter(now)) return validTokenOr(failure, now);
            try {
                token = delegate.getTokenSync(request);
                failure = null;
                return token;
            } catch (RuntimeException e) {
                failure = e;
                failedAt = now;
                return validTokenOr(e, now);
            }
        }

        private AccessToken validTokenOr(RuntimeException e, Instant now) {
            if (token != null && token.getExpiresAt().toInstant().isAfter(now)) return token;
            throw e;
        }
    }
}
