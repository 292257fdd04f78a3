package io.presencesync.adapter.graph;

import com.microsoft.kiota.ApiException;
import com.microsoft.kiota.ResponseHeaders;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.functions.Either;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.presencesync.adapter.http.RetryAfter;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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
 * The items of a {@code $batch} go through the same gate and retry (see {@link #batch}).
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
                .clock(clock) // the open state's wait ends by the service's clock, as every other time decision does
                .permittedNumberOfCallsInHalfOpenState(2)
                // Only failures of Graph itself count: a refused mailbox or unknown user is an answer.
                .recordException(this::serviceFailure)
                .ignoreExceptions(ThrottledException.class)
                .build());
        this.retry = Retry.of("graph", RetryConfig.custom()
                .maxAttempts(MAX_ATTEMPTS)
                .retryOnException(this::worthRetrying)
                .intervalBiFunction((Integer attempt, Either<Throwable, Object> outcome) -> waitMillis(attempt, outcome))
                .build());
    }

    /**
     * Stands for the items of a {@code $batch} answered 429, 503 or 504: the round is retried like a
     * throttled request, after the longest Retry-After among those items (each one's is remembered
     * for its own scope, not the batch's).
     */
    private static final class ItemsToRetry extends ApiException {
        ItemsToRetry(int status, Optional<Duration> wait, int items) {
            super(items + " $batch item(s) answered HTTP " + status);
            setResponseStatusCode(status);
            ResponseHeaders headers = new ResponseHeaders();
            wait.ifPresent(w -> headers.add("Retry-After", Long.toString(w.toSeconds() + (w.toNanosPart() > 0 ? 1 : 0))));
            setResponseHeaders(headers);
        }
    }

    /** Sends {@code request} for {@code scope}, honouring and remembering Retry-After. */
    <T> T call(String scope, Supplier<T> request) {
        awaitGate(scope);
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

    /**
     * Sends {@code items} as {@code $batch} requests through {@link #call} for {@code scope}: the batch
     * request as a whole is gated, retried and counted by the circuit breaker like any request. Each
     * item has its own scope ({@code itemScope}, e.g. its anchor mailbox): an item whose scope is
     * throttled is not sent; an item answered 429, 503 or 504 is sent again, alone with the others so
     * answered, once its Retry-After has elapsed, up to {@link #MAX_ATTEMPTS} sends in all (a wait
     * over {@link #MAX_WAIT} is left to a later poll). Every other answer is final for its item.
     *
     * @param send sends some items as one batch and answers for each of them
     * @return the last answer of every item
     */
    <I, R> Map<I, GraphBatch.Answer<R>> batch(String scope, List<I> items, Function<I, String> itemScope,
                                              Function<List<I>, Map<I, GraphBatch.Answer<R>>> send) {
        Map<I, GraphBatch.Answer<R>> answers = new LinkedHashMap<>();
        if (items.isEmpty()) return answers;
        List<I> pending = new ArrayList<>(items);
        try {
            call(scope, () -> {
                List<I> sendable = new ArrayList<>();
                for (I item : pending) {
                    Instant gate = gate(itemScope.apply(item));
                    if (gate == null) sendable.add(item);
                    else answers.put(item, GraphBatch.Answer.failed(new ThrottledException(itemScope.apply(item), gate)));
                }
                pending.retainAll(sendable);
                if (sendable.isEmpty()) return null;
                Map<I, GraphBatch.Answer<R>> sent = send.apply(sendable); // throws when the batch as a whole failed: retried as is
                pending.clear();
                List<RuntimeException> retryable = new ArrayList<>();
                for (I item : sendable) {
                    GraphBatch.Answer<R> answer = sent.getOrDefault(item,
                            GraphBatch.Answer.failed(new IllegalStateException("no answer for a $batch item")));
                    answers.put(item, answer);
                    if (answer.isOk()) continue;
                    remember(itemScope.apply(item), answer.failure());
                    if (worthRetrying(answer.failure())) {
                        pending.add(item);
                        retryable.add(answer.failure());
                    }
                }
                if (!pending.isEmpty()) throw itemsToRetry(retryable);
                return null;
            });
        } catch (RuntimeException e) {
            // The batch request itself failed, or the retries ran out: items keep their last answer, if any.
            for (I item : items) answers.putIfAbsent(item, GraphBatch.Answer.failed(e));
        }
        return answers;
    }

    private ItemsToRetry itemsToRetry(List<RuntimeException> failures) {
        int status = 0;
        Optional<Duration> wait = Optional.empty();
        for (RuntimeException f : failures) {
            // A server error outweighs throttling, so the circuit breaker sees it.
            if (f instanceof ApiException a && (status == 0 || a.getResponseStatusCode() > status)) status = a.getResponseStatusCode();
            Optional<Duration> w = retryAfter(f);
            if (w.isPresent() && (wait.isEmpty() || w.get().compareTo(wait.get()) > 0)) wait = w;
        }
        return new ItemsToRetry(status == 0 ? 503 : status, wait, failures.size());
    }

    /**
     * Returns once {@code scope} may be sent to: at once, or after waiting out a Retry-After at most
     * {@link #MAX_WAIT} away; throws {@link ThrottledException} for a longer one. Called right before
     * every send, so a Retry-After another thread was given meanwhile holds back retries too.
     */
    void awaitGate(String scope) {
        Instant gate = gate(scope);
        if (gate == null) return;
        Duration left = Duration.between(clock.instant(), gate);
        if (left.compareTo(MAX_WAIT) > 0) throw new ThrottledException(scope, gate);
        try {
            Thread.sleep(Math.max(1, left.toMillis() + (left.toNanosPart() % 1_000_000 > 0 ? 1 : 0)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ThrottledException(scope, gate);
        }
    }

    /** When {@code scope} may be sent to again, or null when it may now. */
    private Instant gate(String scope) {
        Instant gate = notBefore.get(scope);
        return gate != null && clock.instant().isBefore(gate) ? gate : null;
    }

    private void remember(String scope, Throwable e) {
        retryAfter(e).ifPresent(wait -> notBefore.merge(scope, clock.instant().plus(wait), (a, b) -> a.isAfter(b) ? a : b));
    }

    private <T> T retried(String scope, Supplier<T> request) {
        return Retry.decorateSupplier(retry, () -> {
            awaitGate(scope);
            try {
                return request.get();
            } catch (RuntimeException e) {
                // Items remembered their own Retry-After: a throttled mailbox must not hold up every batch.
                if (!(e instanceof ItemsToRetry)) remember(scope, e);
                throw e;
            }
        }).get();
    }

    private boolean serviceFailure(Throwable e) {
        if (e instanceof ApiException a) return a.getResponseStatusCode() >= 500 || a.getResponseStatusCode() == 0;
        return cause(e, IOException.class);
    }

    /**
     * 429, 503 and 504 (unless the Retry-After is longer than {@link #MAX_WAIT}) and network errors;
     * not a timeout: a request that got no answer in {@link GraphClients#CALL_TIMEOUT} is not sent
     * again at once, so a hanging Graph holds a sync thread for one timeout, not three.
     */
    private boolean worthRetrying(Throwable e) {
        if (e instanceof ApiException a && RETRYABLE.contains(a.getResponseStatusCode())) {
            return retryAfter(e).map(wait -> wait.compareTo(MAX_WAIT) <= 0).orElse(true);
        }
        return cause(e, IOException.class) && !cause(e, InterruptedIOException.class);
    }

    private static boolean cause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) return true;
        }
        return false;
    }

    private long waitMillis(int attempt, Either<Throwable, Object> outcome) {
        Optional<Duration> asked = outcome.isLeft() ? retryAfter(outcome.getLeft()) : Optional.empty();
        return asked.orElse(BACK_OFF.multipliedBy(1L << Math.max(0, attempt - 1))).toMillis();
    }

    /** The Retry-After of a Graph answer ({@link RetryAfter}), empty when it gave none. */
    private Optional<Duration> retryAfter(Throwable e) {
        if (!(e instanceof ApiException a) || a.getResponseHeaders() == null) return Optional.empty();
        Set<String> values = a.getResponseHeaders().get("Retry-After");
        if (values == null || values.isEmpty()) return Optional.empty();
        return RetryAfter.parse(values.iterator().next(), clock);
    }
}
