package io.presencesync.adapter.graph;

import io.presencesync.application.port.SourceResult;
import io.presencesync.domain.User;
import io.presencesync.testsupport.GraphFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.presencesync.testsupport.GraphFixture.odataError;
import static org.assertj.core.api.Assertions.assertThat;

class TenantGraphTest {

    static final Instant FROM = Instant.parse("2025-03-10T06:00:00Z");
    static final List<User> ANNA = List.of(new User(GraphFixture.id(0), "anna@contoso.com"));

    @RegisterExtension
    static final GraphFixture stub = GraphFixture.start();

    void presencesAnswer(int status, String retryAfter) {
        stub.server.stubFor(post(urlPathEqualTo(GraphFixture.PRESENCES_PATH)).atPriority(1).willReturn(aResponse().withStatus(status)
                .withHeader("Retry-After", retryAfter).withHeader("Content-Type", "application/json")
                .withBody(odataError("ServiceUnavailable", "The service is temporarily unavailable."))));
    }

    static String unavailable(SourceResult<?> result) {
        assertThat(result).isInstanceOf(SourceResult.Unavailable.class);
        return ((SourceResult.Unavailable<?>) result).message();
    }

    @Test
    void aTenantWhoseGraphFailsOpensOneBreakerThatAlsoHoldsBackItsCalendarAndDirectoryRequests() {
        stub.user("anna@contoso.com", GraphFixture.id(0));
        presencesAnswer(503, "0");
        TenantGraph graph = stub.connect();

        for (int poll = 0; poll < 5; poll++) graph.callStates().presences(ANNA);
        int sent = stub.requests().size();

        assertThat(unavailable(graph.calendars().freeBusy(ANNA, FROM, FROM.plusSeconds(3600)).get(ANNA.get(0).id())))
                .contains("circuit breaker open");
        assertThat(unavailable(graph.directory().resolve(List.of("anna@contoso.com")).get("anna@contoso.com")))
                .contains("circuit breaker open");
        assertThat(stub.requests()).as("nothing more was sent").hasSize(sent);
        assertThat(stub.connect().directory().resolve(List.of("anna@contoso.com")).get("anna@contoso.com"))
                .as("another tenant's breaker is its own").isInstanceOf(SourceResult.Ok.class);
    }

    @Test
    void aRetryAfterHoldsBackOnlyTheScopeItWasGivenFor() {
        presencesAnswer(429, "60");
        TenantGraph graph = stub.connect();

        graph.callStates().presences(ANNA);
        int presenceRequests = stub.presenceRequests().size();

        assertThat(unavailable(graph.callStates().presences(ANNA).get(ANNA.get(0).id()))).contains("Retry-After");
        assertThat(stub.presenceRequests()).as("not sent while its Retry-After runs").hasSize(presenceRequests);
        assertThat(graph.calendars().freeBusy(ANNA, FROM, FROM.plusSeconds(3600)).get(ANNA.get(0).id()))
                .as("getSchedule is another scope").isInstanceOf(SourceResult.Ok.class);
    }
}
