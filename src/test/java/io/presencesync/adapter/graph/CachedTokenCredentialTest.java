package io.presencesync.adapter.graph;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CachedTokenCredentialTest {

    static final TokenRequestContext GRAPH = new TokenRequestContext().addScopes("https://graph.microsoft.com/.default");

    Instant now = Instant.parse("2026-11-30T09:00:00Z");
    final Clock clock = new Clock() {
        @Override public ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    };
    final AtomicInteger fetches = new AtomicInteger();
    boolean authorityDown;
    final TokenCredential authority = request -> {
        fetches.incrementAndGet();
        if (authorityDown) return Mono.error(new IllegalStateException("AADSTS7000215: Invalid client secret provided."));
        return Mono.just(new AccessToken("token-" + fetches.get(), OffsetDateTime.ofInstant(now.plusSeconds(3600), ZoneOffset.UTC)));
    };
    final CachedTokenCredential cache = new CachedTokenCredential(authority, clock);

    @Test
    void oneTokenServesEveryCallUntilShortlyBeforeItExpires() {
        assertThat(cache.getTokenSync(GRAPH).getToken()).isEqualTo("token-1");
        now = now.plusSeconds(3600 - 301);
        assertThat(cache.getTokenSync(GRAPH).getToken()).isEqualTo("token-1");
        now = now.plusSeconds(2);
        assertThat(cache.getTokenSync(GRAPH).getToken()).isEqualTo("token-2");
        assertThat(fetches).hasValue(2);
    }

    @Test
    void aFailureIsRememberedBrieflySoOnePollDoesNotAskTheAuthorityForEveryRequest() {
        authorityDown = true;
        for (int i = 0; i < 50; i++) assertThatThrownBy(() -> cache.getTokenSync(GRAPH)).hasMessageContaining("AADSTS7000215");
        assertThat(fetches).hasValue(1);
        authorityDown = false;
        now = now.plus(CachedTokenCredential.FAILURE_MEMORY);
        assertThat(cache.getTokenSync(GRAPH).getToken()).isEqualTo("token-2");
    }

    @Test
    void aStillValidTokenOutlivesAFailedRenewal() {
        cache.getTokenSync(GRAPH);
        authorityDown = true;
        now = now.plusSeconds(3600 - 60);
        assertThat(cache.getTokenSync(GRAPH).getToken()).isEqualTo("token-1");
        now = now.plusSeconds(61);
        assertThatThrownBy(() -> cache.getTokenSync(GRAPH)).hasMessageContaining("AADSTS7000215");
    }

    @Test
    void aRequestCarryingClaimsGetsAFreshTokenNotTheRejectedOne() {
        cache.getTokenSync(GRAPH);
        TokenRequestContext challenged = new TokenRequestContext().addScopes("https://graph.microsoft.com/.default")
                .setClaims("{\"access_token\":{\"nbf\":{\"essential\":true,\"value\":\"1764400000\"}}}");
        assertThat(cache.getTokenSync(challenged).getToken()).isEqualTo("token-2");
    }
}
