package io.presencesync.adapter.cli;

import io.presencesync.adapter.demo.DemoCalendars;
import io.presencesync.adapter.demo.DemoCertificate;
import io.presencesync.adapter.demo.DemoGraphSimulator;
import io.presencesync.testsupport.TestTls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code presence-sync explain} against the demo's Graph simulator, which serves subjects and
 * locations (even of private appointments): the scripted users are explained as the rules decide,
 * and no subject or location ever reaches the output.
 */
class ExplainCommandTest {

    /** A Monday morning in Berlin when the demo's calendars start. */
    static final Instant T0 = Instant.parse("2026-11-30T08:59:30Z");
    /** 250 s in: Ben between his back-to-back meetings' seam, Hannah on a call during her meeting, David in his private appointment. */
    static final Instant NOW = T0.plusSeconds(250);

    static DemoCertificate certificate;
    static DemoGraphSimulator sim;
    @TempDir
    static Path dir;
    static Path config;

    @BeforeAll
    static void startSimulator() throws IOException {
        certificate = DemoCertificate.of(TestTls.serverKeyStore(), TestTls.PASSWORD.toCharArray());
        sim = DemoGraphSimulator.start(Clock.fixed(NOW, ZoneOffset.UTC), certificate, DemoCalendars.startingAt(T0));
        Path secret = Files.writeString(dir.resolve("secret"), sim.clientSecret());
        config = Files.writeString(dir.resolve("config.yaml"), """
                tenants:
                  - name: demo
                    tenantId: %s
                    clientId: %s
                    graphBaseUrl: %s
                    authorityHost: %s
                    credential:
                      type: clientSecret
                      secretFile: %s
                    users: [anna.schmidt@contoso.demo]
                """.formatted(sim.tenantId(), sim.clientId(), sim.graphBaseUrl(), sim.authorityHost(), secret));
    }

    @AfterAll
    static void stopSimulator() {
        if (sim != null) sim.close();
        if (certificate != null) certificate.close();
    }

    record Run(int exit, String out, String err) {}

    static Run explain(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        ExplainCommand command = cli.getSubcommands().get("explain").getCommand();
        command.clock = Clock.fixed(NOW, ZoneOffset.UTC);
        String[] all = new String[args.length + 3];
        all[0] = "explain";
        all[1] = "--config";
        all[2] = config.toString();
        System.arraycopy(args, 0, all, 3, args.length);
        return new Run(cli.execute(all), out.toString(), err.toString());
    }

    static Run user(String localPart) {
        Run run = explain(localPart + "@" + DemoCalendars.DOMAIN);
        assertThat(run.exit()).as(run.err()).isZero();
        return run;
    }

    @Test
    void backToBackMeetingsAreOneSegmentDecidedByBoth() {
        String ben = user("ben.mueller").out();
        assertThat(ben).contains("event presence now: BUSY (in a meeting)", "rule BUSY_APPOINTMENT", "(back-to-back or overlapping items merged)",
                "decided by #1, #2", "mailbox time zone: Europe/Berlin");
    }

    @Test
    void anAllDayOutOfOfficeInBerlinCoversTheLocalDaysAndTheAutomaticRepliesMirrorIt() {
        String clara = user("clara.fischer").out();
        assertThat(clara).contains("event presence now: AWAY (out of office)", "all day in Europe/Berlin",
                "Mon 30 Nov 00:00:00 Europe/Berlin (Sun 29 Nov 23:00:00 UTC)", "AUTO_REPLY_MIRROR");
    }

    @Test
    void aCallDuringAMeetingShowsTheCallAndNamesTheMeetingItOverruled() {
        String hannah = user("hannah.koch").out();
        assertThat(hannah).contains("event presence now: BUSY (in a call)", "Teams activity InAConferenceCall", "rule CALL",
                "overruled by precedence: #1");
    }

    @Test
    void aTentativeAppointmentShowsNothingUnderTheDefaultRules() {
        String emma = user("emma.becker").out();
        assertThat(emma).contains("event presence now: NONE", "TENTATIVE_IGNORED", "tentative none");
    }

    @Test
    void aPrivateAppointmentIsExplainedByItsStatusAndTimesOnly() {
        String david = user("david.wagner").out();
        assertThat(david).contains("event presence now: BUSY (in a meeting)", "appointment shown as busy");
    }

    @Test
    void noSubjectOrLocationOfAnyScriptedUserEverReachesTheOutput() {
        Set<String> secrets = new TreeSet<>();
        StringBuilder all = new StringBuilder();
        for (String name : List.of("anna.schmidt", "ben.mueller", "clara.fischer", "david.wagner", "emma.becker", "felix.hoffmann",
                "greta.schulz", "hannah.koch", "ida.wolf", "jonas.richter", "lena.klein")) {
            var user = sim.calendars().find(name + "@" + DemoCalendars.DOMAIN).orElseThrow();
            for (var a : sim.calendars().appointments(user.id())) {
                secrets.add(a.subject());
                if (!a.location().isBlank()) secrets.add(a.location());
            }
            all.append(user(name).out());
        }
        assertThat(secrets).contains("Doctor appointment", "Praxis Dr. Lang", "Vacation");
        for (String secret : secrets) assertThat(all.toString()).as("never shows \"%s\"", secret).doesNotContain(secret);
    }

    @Test
    void anUnknownUserExitsWithOneAndSaysWhy() {
        Run nobody = explain("nobody@contoso.demo");
        assertThat(nobody.exit()).isEqualTo(1);
        assertThat(nobody.err()).contains("tenant demo: user nobody@contoso.demo not looked up");
    }

    @Test
    void anUnknownTenantIsAConfigurationError() {
        Run wrong = explain("--tenant", "fabrikam", "anna.schmidt@contoso.demo");
        assertThat(wrong.exit()).isEqualTo(2);
        assertThat(wrong.err()).contains("--tenant fabrikam: no such tenant");
    }
}
