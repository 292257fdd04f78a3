package io.presencesync.adapter.demo;

import io.presencesync.adapter.config.TenantConfig;
import io.presencesync.adapter.demo.DemoCalendars.DemoUser;
import io.presencesync.adapter.demo.DemoGraphSimulator.Endpoint;
import io.presencesync.adapter.graph.TenantGraph;
import io.presencesync.application.port.SourceResult;
import io.presencesync.application.port.TeamsPresence;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.FreeBusyStatus;
import io.presencesync.domain.User;
import io.presencesync.rules.RuleSettings;
import io.presencesync.testsupport.TestTls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.presencesync.testsupport.TenantConfigBuilder.aTenant;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator driven by the real Graph SDK and Azure Identity, built exactly as production builds
 * them ({@link GraphClients#create(TenantConfig, Map)}) and trusting it through the JVM's trust store.
 *
 * <p>It serves the build's test TLS identity ({@link TestTls}), not a certificate of its own: that
 * store is what surefire hands the JVM before any test runs. Pointing javax.net.ssl.trustStore at
 * another store later is honoured by OkHttp (read per client) but not by Azure Identity's Netty
 * client, which fixed its trust anchors at the JVM's first TLS connection, perhaps in another test.
 */
class DemoGraphSimulatorTest {

    /** A Monday morning in Berlin; the simulator's calendars start here and its clock stands still. */
    static final Instant T0 = Instant.parse("2026-11-30T08:59:30Z");

    static DemoCertificate certificate;
    static DemoGraphSimulator sim;
    static int tokenRequestsAtStart;
    static Path secretFile;
    static Path wrongSecretFile;
    static TenantGraph graph;
    static List<User> users;

    @BeforeAll
    static void startSimulator() throws IOException {
        certificate = DemoCertificate.of(TestTls.serverKeyStore(), TestTls.PASSWORD.toCharArray());
        sim = DemoGraphSimulator.start(Clock.fixed(T0, ZoneOffset.UTC), certificate, DemoCalendars.startingAt(T0));
        secretFile = secretFile(sim.clientSecret() + "\n"); // a mounted Secret often ends with a newline
        wrongSecretFile = secretFile("not-the-demo-secret");
        graph = TenantGraph.connect(tenant(secretFile), Map.of(), Clock.systemUTC());
        Map<String, SourceResult<User>> resolved = graph.directory().resolve(sim.userPrincipalNames());
        users = sim.userPrincipalNames().stream().map(upn -> resolvedUser(upn, resolved.get(upn))).toList();
        tokenRequestsAtStart = sim.requestCount(Endpoint.TOKEN);
    }

    @AfterAll
    static void stopSimulator() {
        if (sim != null) sim.close();
        if (certificate != null) certificate.close();
    }

    @Test
    void theDirectoryResolvesEveryDemoUserPrincipalNameToItsObjectIdAndDisplayName() {
        Map<String, SourceResult<User>> resolved = graph.directory()
                .resolve(List.of("anna.schmidt@contoso.demo", "BEN.MUELLER@contoso.demo", "nobody@contoso.demo"));

        assertThat(resolved.get("anna.schmidt@contoso.demo"))
                .isEqualTo(new SourceResult.Ok<>(new User(user("anna.schmidt").id(), "anna.schmidt@contoso.demo", "Anna Schmidt")));
        assertThat(resolved.get("BEN.MUELLER@contoso.demo"))
                .isEqualTo(new SourceResult.Ok<>(new User(user("ben.mueller").id(), "ben.mueller@contoso.demo", user("ben.mueller").displayName())));
        assertThat(resolved.get("nobody@contoso.demo")).isInstanceOfSatisfying(SourceResult.UserError.class,
                e -> assertThat(e.code()).isEqualTo("NotFound"));
        assertThat(users).hasSize(25).containsExactlyInAnyOrderElementsOf(sim.calendars().users().stream()
                .map(u -> new User(u.id(), u.userPrincipalName(), u.displayName())).toList());
    }

    @Test
    void freeBusyOfAllTwentyFiveUsersComesInOneBatchOfTwoGetScheduleRequestsWithTheGeneratedItems() {
        Instant from = T0.minus(Duration.ofHours(1));
        Instant to = T0.plus(Duration.ofHours(24));
        int before = sim.requestCount(Endpoint.GET_SCHEDULE);
        int batchesBefore = sim.requestCount(Endpoint.BATCH);

        Map<String, SourceResult<List<FreeBusyItem>>> results = graph.calendars().freeBusy(users, from, to);

        assertThat(sim.requestCount(Endpoint.BATCH) - batchesBefore).isEqualTo(1);
        assertThat(sim.requestCount(Endpoint.GET_SCHEDULE) - before).isEqualTo(2);
        assertThat(results).hasSize(25);
        for (User u : users) {
            List<FreeBusyItem> expected = sim.calendars().appointments(u.id(), from, to).stream()
                    .map(a -> new FreeBusyItem(a.start(), a.end(), status(a.status()))).toList();
            assertThat(results.get(u.id())).as(u.address()).isEqualTo(new SourceResult.Ok<>(expected));
        }
        assertThat(results.toString()).doesNotContain("Doctor appointment");
    }

    @Test
    void anUnknownAddressIsThatUsersErrorFiveThousandNineAndTheOthersStillGetTheirCalendar() {
        User nobody = new User(UUID.randomUUID().toString(), "nobody@contoso.demo");
        User anna = users.get(0);
        assertThat(anna.address()).isEqualTo("anna.schmidt@contoso.demo");

        Map<String, SourceResult<List<FreeBusyItem>>> results = graph.calendars()
                .freeBusy(List.of(anna, nobody), T0, T0.plus(Duration.ofHours(1)));

        assertThat(results.get(nobody.id())).isInstanceOfSatisfying(SourceResult.UserError.class,
                e -> assertThat(e.code()).isEqualTo("5009"));
        assertThat(results.get(anna.id())).isInstanceOf(SourceResult.Ok.class);
    }

    @Test
    void theDirectoryReadsTheAllUsersGroupThroughTheSdk() {
        Map<String, SourceResult<List<User>>> members = graph.directory().groupMembers(List.of(DemoCalendars.ALL_USERS_GROUP_ID));

        assertThat(members.get(DemoCalendars.ALL_USERS_GROUP_ID)).isInstanceOfSatisfying(SourceResult.Ok.class,
                ok -> assertThat(((SourceResult.Ok<List<User>>) ok).value()).extracting(User::id)
                        .containsExactlyElementsOf(sim.calendars().users().stream().map(DemoUser::id).toList()));
    }

    @Test
    void theCallStateSourceSeesTheCallThatIsGoingOnAtTheClock() {
        DemoUser ida = user("ida.wolf");
        DemoUser clara = user("clara.fischer");
        int before = sim.requestCount(Endpoint.PRESENCES);

        Map<String, SourceResult<TeamsPresence>> activities = graph.callStates().presences(users);

        assertThat(sim.requestCount(Endpoint.PRESENCES) - before).isEqualTo(1);
        assertThat(activities.get(ida.id())).isEqualTo(new SourceResult.Ok<>(new TeamsPresence("InACall", false)));
        assertThat(activities.get(clara.id())).isEqualTo(new SourceResult.Ok<>(new TeamsPresence("OutOfOffice", true)));
        assertThat(activities.entrySet()).filteredOn(e -> RuleSettings.CALL_ACTIVITIES.contains(value(e.getValue())))
                .extracting(Map.Entry::getKey).containsExactly(ida.id());
    }

    @Test
    void aWrongClientSecretFailsWithinSecondsAndNoGraphRequestIsMade() {
        TenantGraph wrong = TenantGraph.connect(tenant(wrongSecretFile), Map.of(), Clock.systemUTC());
        int graphRequests = sim.requestCount(Endpoint.GET_SCHEDULE) + sim.requestCount(Endpoint.BATCH);

        long started = System.nanoTime();
        Map<String, SourceResult<List<FreeBusyItem>>> results =
                wrong.calendars().freeBusy(users.subList(0, 3), T0, T0.plus(Duration.ofHours(1)));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(results.values()).hasSize(3).allSatisfy(r -> assertThat(r).isInstanceOfSatisfying(
                SourceResult.Unavailable.class, u -> assertThat(u.message()).contains("AADSTS7000215")));
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThat(sim.requestCount(Endpoint.GET_SCHEDULE) + sim.requestCount(Endpoint.BATCH)).isEqualTo(graphRequests);
    }

    @Test
    void oneTokenServesEveryGraphCallAndAzureIdentityNeverAsksForDiscovery() {
        int tokens = sim.requestCount(Endpoint.TOKEN);

        graph.callStates().presences(users);
        graph.calendars().freeBusy(users, T0, T0.plus(Duration.ofHours(1)));

        assertThat(tokenRequestsAtStart).isEqualTo(1);
        assertThat(sim.requestCount(Endpoint.TOKEN)).isEqualTo(tokens);
        // disableInstanceDiscovery() for a custom authority: MSAL goes straight to the token endpoint.
        assertThat(sim.requestCount(Endpoint.INSTANCE_DISCOVERY)).isZero();
        assertThat(sim.requestCount(Endpoint.OPENID_CONFIGURATION)).isZero();
        assertThat(sim.requestCount(Endpoint.UNKNOWN)).isZero();
    }

    static TenantConfig tenant(Path secret) {
        return aTenant().named("demo").servedBy(sim).withSecretFile(secret).withUsers(sim.userPrincipalNames()).build();
    }

    static DemoUser user(String localPart) {
        return sim.calendars().find(localPart + "@" + DemoCalendars.DOMAIN).orElseThrow();
    }

    static FreeBusyStatus status(String graphStatus) {
        return switch (graphStatus) {
            case DemoCalendars.FREE -> FreeBusyStatus.FREE;
            case DemoCalendars.TENTATIVE -> FreeBusyStatus.TENTATIVE;
            case DemoCalendars.BUSY -> FreeBusyStatus.BUSY;
            case DemoCalendars.OOF -> FreeBusyStatus.OOF;
            case DemoCalendars.WORKING_ELSEWHERE -> FreeBusyStatus.WORKING_ELSEWHERE;
            default -> FreeBusyStatus.UNKNOWN;
        };
    }

    private static User resolvedUser(String upn, SourceResult<User> result) {
        assertThat(result).as(upn).isInstanceOf(SourceResult.Ok.class);
        return ((SourceResult.Ok<User>) result).value();
    }

    private static String value(SourceResult<TeamsPresence> r) {
        return r instanceof SourceResult.Ok<TeamsPresence> ok ? ok.value().activity() : null;
    }

    private static Path secretFile(String content) throws IOException {
        Path file = Files.createTempFile("demo-client-secret-", ".txt");
        file.toFile().deleteOnExit();
        Files.writeString(file, content);
        return file;
    }
}
