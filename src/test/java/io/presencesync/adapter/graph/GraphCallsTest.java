package io.presencesync.adapter.graph;

import com.microsoft.kiota.ApiException;
import com.microsoft.kiota.ApiExceptionBuilder;
import com.microsoft.kiota.ResponseHeaders;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GraphCallsTest {

    final GraphCalls calls = new GraphCalls(Clock.systemUTC());
    final AtomicInteger sent = new AtomicInteger();

    static ApiException answer(int status) {
        return answer(status, "0");
    }

    static ApiException answer(int status, String retryAfter) {
        ResponseHeaders headers = new ResponseHeaders();
        headers.add("Retry-After", retryAfter);
        return new ApiExceptionBuilder().withMessage("HTTP " + status).withResponseStatusCode(status).withResponseHeaders(headers).build();
    }

    String failing(ApiException e) {
        sent.incrementAndGet();
        throw e;
    }

    @Test
    void aGraphThatKeepsFailingIsLeftAloneInsteadOfSentThousandsOfDoomedRequests() {
        ApiException unavailable = answer(503);
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> calls.call("presence", () -> failing(unavailable))).isSameAs(unavailable);
        }
        assertThat(sent).as("5 calls, each tried %d times", GraphCalls.MAX_ATTEMPTS).hasValue(5 * GraphCalls.MAX_ATTEMPTS);

        assertThatThrownBy(() -> calls.call("presence", () -> "answer")).hasMessageContaining("circuit breaker open");
        assertThat(sent).hasValue(5 * GraphCalls.MAX_ATTEMPTS);
    }

    @Test
    void thePauseAfterAnOutageEndsByTheServicesClockNotTheSystemsOwn() {
        MovableClock clock = new MovableClock();
        GraphCalls paused = new GraphCalls(clock);
        ApiException unavailable = answer(503);
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> paused.call("presence", () -> failing(unavailable))).isSameAs(unavailable);
        }
        clock.now = clock.now.plus(GraphCalls.OPEN_FOR).minusSeconds(1);
        assertThatThrownBy(() -> paused.call("presence", () -> "answer")).hasMessageContaining("circuit breaker open");

        clock.now = clock.now.plusSeconds(2);
        assertThat(paused.call("presence", () -> "answer")).as("tried again once the pause is over").isEqualTo("answer");
    }

    @Test
    void refusalsOfSingleMailboxesAreAnswersNotAnOutage() {
        ApiException denied = answer(403);
        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> calls.call("mailbox " + sent.get(), () -> failing(denied))).isSameAs(denied);
        }
        assertThat(sent).as("a 403 is not retried").hasValue(10);
        assertThat(calls.call("presence", () -> "answer")).isEqualTo("answer");
    }

    /** A clock the test moves; GraphCalls reads it for every Retry-After decision. */
    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2025-03-10T08:00:00Z");

        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }

        @Override public Clock withZone(ZoneId zone) { return this; }

        @Override public Instant instant() { return now; }
    }

    @Test
    void onlyTheThrottledItemsOfABatchAreSentAgainAndThroughTheSameLayer() {
        List<List<String>> sent = new ArrayList<>();
        Map<String, GraphBatch.Answer<String>> answers = calls.batch("$batch", List.of("a", "b", "c"), item -> "mailbox " + item, items -> {
            sent.add(items);
            Map<String, GraphBatch.Answer<String>> round = new HashMap<>();
            for (String item : items) {
                boolean throttled = item.equals("b") && sent.size() == 1;
                round.put(item, throttled ? GraphBatch.Answer.failed(answer(429)) : GraphBatch.Answer.ok(item + " read"));
            }
            return round;
        });

        assertThat(sent).containsExactly(List.of("a", "b", "c"), List.of("b"));
        assertThat(answers).extractingByKeys("a", "b", "c").extracting(GraphBatch.Answer::value)
                .containsExactly("a read", "b read", "c read");
    }

    @Test
    void aMailboxThatAnItemWasToldToWaitForGetsNothingBeforeTheWaitIsOver() {
        MovableClock clock = new MovableClock();
        GraphCalls gated = new GraphCalls(clock);
        List<List<String>> sent = new ArrayList<>();
        Function<List<String>, Map<String, GraphBatch.Answer<String>>> send = items -> {
            sent.add(items);
            Map<String, GraphBatch.Answer<String>> round = new HashMap<>();
            for (String item : items) {
                round.put(item, item.equals("b") && sent.size() == 1 ? GraphBatch.Answer.failed(answer(429, "60")) : GraphBatch.Answer.ok("ok"));
            }
            return round;
        };

        Map<String, GraphBatch.Answer<String>> first = gated.batch("$batch", List.of("a", "b"), item -> "mailbox " + item, send);
        clock.now = clock.now.plusSeconds(59);
        Map<String, GraphBatch.Answer<String>> early = gated.batch("$batch", List.of("a", "b"), item -> "mailbox " + item, send);
        clock.now = clock.now.plusSeconds(1);
        Map<String, GraphBatch.Answer<String>> due = gated.batch("$batch", List.of("a", "b"), item -> "mailbox " + item, send);

        assertThat(first.get("b").failure()).isInstanceOf(ApiException.class);
        assertThat(early.get("b").failure()).isInstanceOf(GraphCalls.ThrottledException.class)
                .hasMessageContaining("mailbox b").hasMessageContaining("2025-03-10T08:01:00Z");
        assertThat(due.get("b").value()).isEqualTo("ok");
        assertThat(sent).as("a wait over MAX_WAIT is not slept through; b is held back until it is over")
                .containsExactly(List.of("a", "b"), List.of("a"), List.of("a", "b"));
    }

    @Test
    void itemsStillThrottledAfterTheLastAttemptKeepTheirOwnAnswer() {
        AtomicInteger rounds = new AtomicInteger();
        Map<String, GraphBatch.Answer<String>> answers = calls.batch("$batch", List.of("a"), item -> "mailbox " + item, items -> {
            rounds.incrementAndGet();
            return Map.of("a", GraphBatch.Answer.failed(answer(503)));
        });

        assertThat(rounds).hasValue(GraphCalls.MAX_ATTEMPTS);
        assertThat(answers.get("a").failure()).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.getResponseStatusCode()).isEqualTo(503));
    }

    /** When a's retry went out (0 if never), and when b's request was throttled. */
    record Race(int aAttempts, long aRetriedAt, long throttledAt) {}

    /**
     * Request a of scope "presence" fails with a 503 due again at once; while it fails, request b of the
     * same scope (another unit's) is answered 429 with {@code retryAfter} seconds, then 200.
     */
    Race aRetriesWhileBIsThrottled(String retryAfter) throws InterruptedException {
        java.util.concurrent.CountDownLatch aSent = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch bThrottled = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger aAttempts = new AtomicInteger();
        long[] times = new long[2];
        Thread a = new Thread(() -> {
            try {
                calls.call("presence", () -> {
                    if (aAttempts.incrementAndGet() == 1) {
                        aSent.countDown();
                        waitUntil(bThrottled);
                        throw answer(503, "0");
                    }
                    times[0] = System.nanoTime();
                    return "ok";
                });
            } catch (GraphCalls.ThrottledException expectedForALongWait) {
                // a gave up: the scope's Retry-After is too far off
            }
        });
        a.start();
        waitUntil(aSent);
        try {
            calls.call("presence", () -> {
                if (times[1] == 0) {
                    times[1] = System.nanoTime();
                    bThrottled.countDown();
                    throw answer(429, retryAfter);
                }
                return "ok";
            });
        } catch (ApiException tooLongToWaitFor) {
            // b's own Retry-After is over MAX_WAIT: left to a later poll
        }
        a.join(10_000);
        return new Race(aAttempts.get(), times[0], times[1]);
    }

    @Test
    void aRetryWaitsOutAShortRetryAfterAnotherThreadOfTheSameScopeWasGivenMeanwhile() throws Exception {
        Race race = aRetriesWhileBIsThrottled("2");

        assertThat(race.aAttempts()).isEqualTo(2);
        assertThat(java.time.Duration.ofNanos(race.aRetriedAt() - race.throttledAt()))
                .as("a's retry (due at once) waited for b's Retry-After").isGreaterThanOrEqualTo(java.time.Duration.ofMillis(1990));
    }

    @Test
    void aRetryIsNotSentWhileALongRetryAfterAnotherThreadOfTheSameScopeWasGivenRuns() throws Exception {
        Race race = aRetriesWhileBIsThrottled("7");

        assertThat(race.aAttempts()).as("a's retry not sent: the wait is over MAX_WAIT").isEqualTo(1);
    }

    /** Until the other thread has got this far: a hand-over between threads, not a poll. */
    static void waitUntil(java.util.concurrent.CountDownLatch latch) {
        try {
            assertThat(latch.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
