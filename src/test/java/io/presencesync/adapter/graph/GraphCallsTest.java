package io.presencesync.adapter.graph;

import com.microsoft.kiota.ApiException;
import com.microsoft.kiota.ApiExceptionBuilder;
import com.microsoft.kiota.ResponseHeaders;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GraphCallsTest {

    final GraphCalls calls = new GraphCalls(Clock.systemUTC());
    final AtomicInteger sent = new AtomicInteger();

    static ApiException answer(int status) {
        ResponseHeaders headers = new ResponseHeaders();
        headers.add("Retry-After", "0");
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
    void refusalsOfSingleMailboxesAreAnswersNotAnOutage() {
        ApiException denied = answer(403);
        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> calls.call("mailbox " + sent.get(), () -> failing(denied))).isSameAs(denied);
        }
        assertThat(sent).as("a 403 is not retried").hasValue(10);
        assertThat(calls.call("presence", () -> "answer")).isEqualTo("answer");
    }
}
