package io.presencesync.adapter.graph;

import io.presencesync.application.port.SourceResult;
import io.presencesync.domain.User;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.presencesync.adapter.graph.GraphStub.odataError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class GraphUserDirectoryTest {

    static final String ANNA_ID = "6e7b768e-07e2-4810-8459-485f84f8f204";
    static final String BEN_ID = "87d349ed-44d7-43e1-9a83-5f2406dee5bd";
    static final String GUEST_ID = "2b5c4f1e-9d3a-4e7b-8c6d-0a1b2c3d4e5f";
    static final String GUEST_UPN = "petra_fabrikam.com#EXT#@contoso.onmicrosoft.com";

    static GraphStub stub;
    GraphUserDirectory directory;

    @BeforeAll
    static void startGraph() { stub = GraphStub.start(); }

    @AfterAll
    static void stopGraph() { stub.close(); }

    @BeforeEach
    void freshClient() {
        stub.reset();
        directory = new GraphUserDirectory(stub.client());
        stub.server.stubFor(get(urlPathEqualTo(userPath("anna@contoso.com"))).willReturn(okJson("""
                {"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users(id,mail,userPrincipalName)/$entity",
                 "id":"%s","mail":"Anna.Berg@contoso.com","userPrincipalName":"anna@contoso.com"}""".formatted(ANNA_ID))));
        stub.server.stubFor(get(urlPathEqualTo(userPath("ben@contoso.com"))).willReturn(okJson("""
                {"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users(id,mail,userPrincipalName)/$entity",
                 "id":"%s","mail":null,"userPrincipalName":"ben@contoso.com"}""".formatted(BEN_ID))));
        stub.server.stubFor(get(urlPathEqualTo(userPath(GUEST_UPN))).willReturn(okJson("""
                {"id":"%s","mail":"petra@fabrikam.com","userPrincipalName":"%s"}""".formatted(GUEST_ID, GUEST_UPN))));
        stub.server.stubFor(get(urlPathEqualTo(userPath("gone@contoso.com"))).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withBody(odataError("Request_ResourceNotFound",
                        "Resource 'gone@contoso.com' does not exist or one of its queried reference-property objects are not present."))));
    }

    @Test
    void upnsResolveToIdAndMailFallingBackToTheUpnWhenTheUserHasNoMail() {
        Map<String, SourceResult<User>> users = directory.resolve(List.of("anna@contoso.com", "ben@contoso.com"));

        assertThat(users).containsOnly(
                entry("anna@contoso.com", new SourceResult.Ok<>(new User(ANNA_ID, "Anna.Berg@contoso.com"))),
                entry("ben@contoso.com", new SourceResult.Ok<>(new User(BEN_ID, "ben@contoso.com"))));
        stub.server.verify(2, getRequestedFor(urlPathMatching("/v1\\.0/users/.*"))
                .withQueryParam("$select", equalTo("id,mail,userPrincipalName"))
                .withHeader("Authorization", equalTo("Bearer " + GraphStub.ACCESS_TOKEN)));
    }

    @Test
    void aGuestWhoseUpnContainsAHashReachesGraphIntactAndResolves() {
        Map<String, SourceResult<User>> users = directory.resolve(List.of(GUEST_UPN));

        assertThat(users).containsOnly(entry(GUEST_UPN, new SourceResult.Ok<>(new User(GUEST_ID, "petra@fabrikam.com"))));
        stub.server.verify(1, getRequestedFor(urlPathEqualTo("/v1.0/users/petra_fabrikam.com%23EXT%23%40contoso.onmicrosoft.com")));
    }

    @Test
    void aUserUnknownToTheDirectoryIsAnErrorForThatUserWhileTheOthersResolve() {
        Map<String, SourceResult<User>> users = directory.resolve(List.of("anna@contoso.com", "gone@contoso.com", "ben@contoso.com"));

        assertThat(users.get("anna@contoso.com")).isInstanceOf(SourceResult.Ok.class);
        assertThat(users.get("ben@contoso.com")).isInstanceOf(SourceResult.Ok.class);
        assertThat(users.get("gone@contoso.com")).isInstanceOfSatisfying(SourceResult.UserError.class,
                e -> assertThat(e.message()).contains("Request_ResourceNotFound"));
        stub.server.verify(1, getRequestedFor(urlPathEqualTo(userPath("gone@contoso.com"))));
    }

    @Test
    void aThrottledLookupIsToBeTriedAgainNotAVerdictOnTheUser() {
        stub.server.stubFor(get(urlPathEqualTo(userPath("anna@contoso.com"))).atPriority(1).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "5").withHeader("Content-Type", "application/json")
                .withBody(odataError("TooManyRequests", "Too many requests."))));

        Map<String, SourceResult<User>> users = directory.resolve(List.of("anna@contoso.com", "ben@contoso.com"));

        assertThat(users.get("anna@contoso.com")).isInstanceOf(SourceResult.Unavailable.class);
        assertThat(users.get("ben@contoso.com")).isInstanceOf(SourceResult.Ok.class);
    }

    /** The SDK percent-encodes the UPN in the path ({@code @} as %40, {@code #} as %23), as Graph expects. */
    static String userPath(String upn) {
        return "/v1.0/users/" + URLEncoder.encode(upn, StandardCharsets.UTF_8);
    }
}
