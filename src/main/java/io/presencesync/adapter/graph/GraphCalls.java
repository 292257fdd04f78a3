package io.presencesync.adapter.graph;

import com.microsoft.kiota.ApiException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.functions.Either;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;

import java.io.IOException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The one retry layer for Graph requests (the SDK's RetryHandler is off). A throttled (429) or
 * unavailable (503, 504) request, or one lost on the network, is tried again up to
 * {@link #MAX_ATTEMPTS} times, after the server's Retry-After when it gave one, else after a
 * short back-off. Throttling is remembered per scope (one mailbox, the presence API, the
 * directory): no request of that scope is sent before its Retry-After has elapsed, and a wait
 * longer than {@link #MAX_WAIT} is left to a later poll instead of holding up this one.
 * A circuit breaker stops sending while most requests fail anyway (an outage, a revoked consent)
 * and tries again after {@link #OPEN_FOR}: a broken tenant does not cost thousands of doomed requests.
 */
final class GraphCalls {

    static final int MAX_ATTEMPTS = 3;
    static final Duration MAX_WAIT = Duration.ofSeconds(5);
    static final Duration BACK_OFF = Duration.ofMillis(500);
    static final Duration OPEN_FOR = Duration.ofSeconds(30);
    private static final Set<Integer> RETRYABLE = Set.of(429, 503, 504);

    /** Thrown instead of sending a request while its scope is throttled. */
    static final class ThrottledException extends RuntimeException {
        ThrottledException(String scope, Instant until) {
            super("throttled: Graph asked to wait (Retry-After) until " + until + " for " + scope);
        }
    }

    private final Clock clock;
    private final Map<String, Instant> notBefore = new ConcurrentHashMap<>();
    private final Retry retry;
    private final CircuitBreaker breaker;

    GraphCalls(Clock clock) {
        this.clock = clock;
        this.breaker = CircuitBreaker.of("graph", CircuitBreakerConfig.custom()
                .slidingWindowSize(10)
                .minimumNumberOfCalls(5)
                .failureRateThreshold(60)
                .waitDurationInOpenState(OPEN_FOR)
                .permittedNumberOfCallsInHalfOpenState(2)
                // Only failures of Graph itself count: a refused mailbox or unknown user is an answer.
                .recordException(this::serviceFailure)
                .build());
        this.retry = Retry.of("graph", RetryConfig.custom()
                .maxAttempts(MAX_ATTEMPTS)
                .retryOnException(this::worthRetrying)
                .intervalBiFunction((Integer attempt, Either<Throwable, Object> outcome) -> waitMillis(attempt, outcome))
                .build());
    }

    /** Sends {@code request} for {@code scope}, honouring and remembering Retry-After. */
    <T> T call(String scope, Supplier<T> request) {
        Instant gate = notBefore.get(scope);
        if (gate != null && clock.instant().isBefore(gate)) throw new ThrottledException(scope, gate);
        if (!breaker.tryAcquirePermission()) {
            throw new IllegalStateException("Graph requests paused for up to " + OPEN_FOR.toSeconds()
                    + " s: most recent requests failed (circuit breaker open)");
        }
        long started = System.nanoTime();
        try {
            T result = retried(scope, request);
            breaker.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            return result;
        } catch (RuntimeException e) {
            breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, e);
            throw e;
        }
    }

    private <T> T retried(String scope, Supplier<T> request) {
        return Retry.decorateSupplier(retry, () -> {
            try {
                return request.get();
            } catch (RuntimeException e) {
                retryAfter(e).ifPresent(wait -> notBefore.merge(scope, clock.instant().plus(wait),
                        (a, b) -> a.isAfter(b) ? a : b));
                throw e;
            }
        }).get();
    }

    private boolean serviceFailure(Throwable e) {
        if (e instanceof ApiException a) return a.getResponseStatusCode() >= 500 || a.getResponseStatusCode() == 0;
        return worthRetrying(e);
    }

    private boolean worthRetrying(Throwable e) {
        if (e instanceof ApiException a && RETRYABLE.contains(a.getResponseStatusCode())) {
            return retryAfter(e).map(wait -> wait.compareTo(MAX_WAIT) <= 0).orElse(true);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) return true;
        }
        return false;
    }

    private long waitMillis(int attempt, Either<Throwable, Object> outcome) {
        Optional<Duration> asked = outcome.isLeft() ? retryAfter(outcome.getLeft()) : Optional.empty();
        return asked.orElse(BACK_OFF.multipliedBy(1L << Math.max(0, attempt - 1))).toMillis();
    }

    /** The Retry-After of a Graph answer: delay-seconds or an HTTP date. */
    Optional<Duration> retryAfter(Throwable e) {
        if (!(e instanceof ApiException a) || a.getResponseHeaders() == null) return Optional.empty();
        Set<String> values = a.getResponseHeaders().get("Retry-After");
        if (values == null || values.isEmpty()) return Optional.empty();
        String value = values.iterator().next().trim();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration wait = Duration.between(clock.instant(), ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeException unreadable) {
                return Optional.empty();
            }
        }
    }
}
