package io.presencesync.adapter.cli;

import io.presencesync.testsupport.GraphFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CheckCommandTest {

    static final String CONTOSO = "7f2d1c3e-0a4b-4c5d-9e6f-112233445566";
    static final String FABRIKAM = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";

    @TempDir
    Path dir;
    GraphFixture contoso;
    GraphFixture fabrikam;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @BeforeEach
    void start() {
        contoso = GraphFixture.start(CONTOSO, dir)
                .user("anna@contoso.com", "0000a11c-e000-4000-8000-000000000001")
                .user("ben@contoso.com", "0000a11c-e000-4000-8000-000000000002");
        fabrikam = GraphFixture.start(FABRIKAM, dir).user("carl@fabrikam.com", "0000a11c-e000-4000-8000-000000000003");
    }

    @AfterEach
    void stop() {
        contoso.close();
        fabrikam.close();
    }

    int check(String tenants, String... options) throws IOException {
        Path config = Files.writeString(dir.resolve("config.yaml"), "tenants:\n" + tenants);
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] args = new String[3 + options.length];
        args[0] = "check";
        args[1] = "--config";
        args[2] = config.toString();
        System.arraycopy(options, 0, args, 3, options.length);
        return cli.execute(args);
    }

    String contosoYaml() { return contoso.tenantYaml("contoso", "anna@contoso.com", "ben@contoso.com"); }

    @Test
    void aWorkingTenantIsOkWithExitCodeZero() throws IOException {
        assertThat(check(contosoYaml())).isZero();

        assertThat(out.toString()).contains("tenant contoso (tenantId " + CONTOSO + ", clientId " + GraphFixture.CLIENT_ID + "): OK",
                "2 of 2 users resolved", "1 of 1 tenant(s) OK").doesNotContain("FAILED", "to fix");
        assertThat(out.toString() + err).doesNotContain(GraphFixture.CLIENT_SECRET, GraphFixture.ACCESS_TOKEN);
    }

    @Test
    void aNewUsersFirstCheckNamesTheUnknownUserAndTheMailboxAnAccessPolicyRefusesThoughTheFirstUserIsFine() throws IOException {
        contoso.user("board@contoso.com", "0000a11c-e000-4000-8000-000000000009").unknownUser("left.company@contoso.com");
        contoso.answerSchedule("board@contoso.com", GraphFixture.scheduleError("board@contoso.com", "ErrorAccessDenied",
                "Access to the mailbox is denied by an application access policy."));

        int exit = check(contoso.tenantYaml("contoso", "anna@contoso.com", "left.company@contoso.com", "ben@contoso.com", "board@contoso.com"));

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).contains("left.company@contoso.com: not found in the directory",
                "users probed", "3 of all 3 users probed", "getSchedule refused 1 user(s) with ErrorAccessDenied: board@contoso.com",
                "mailbox board@contoso.com is excluded by an application access policy");
        assertThat(err.toString()).contains("tenant contoso: probed 3 of 3 users (getSchedule and presence)");
    }

    @Test
    void theProbeTakesASampleByDefaultAndEveryUserWithAllUsers() throws IOException {
        String yaml = contoso.tenantYaml("contoso", "anna@contoso.com", "ben@contoso.com");

        assertThat(check(yaml, "--sample", "1")).isZero();
        assertThat(out.toString()).contains("1 of 2 users (a sample: --all-users probes all) probed");
        out.getBuffer().setLength(0);
        assertThat(check(yaml, "--sample", "1", "--all-users")).isZero();
        assertThat(out.toString()).contains("2 of all 2 users probed");
    }

    @Test
    void aWrongClientSecretFailsWithTheSecretAdviceAndNeverPrintsTheSecret() throws IOException {
        contoso.rejectSecret();

        assertThat(check(contosoYaml())).isEqualTo(CheckCommand.TENANT_FAILED);

        assertThat(out.toString()).contains("tenant contoso", "): FAILED", "AADSTS7000215",
                "- the client secret is wrong: create a new one in Entra ID → App registrations → " + GraphFixture.CLIENT_ID
                        + " → Certificates & secrets", "secretFile " + contoso.secretFile);
        assertThat(out.toString() + err).doesNotContain(GraphFixture.CLIENT_SECRET, GraphFixture.ACCESS_TOKEN);
    }

    @Test
    void aRefusedUserLookupAsksForUserReadAll() throws IOException {
        contoso.denyUserLookup();

        assertThat(check(contosoYaml())).isEqualTo(1);

        assertThat(out.toString()).contains("FAILED", "0 of 2 users resolved",
                "- grant the application permission User.Read.All (Microsoft Graph, Application) and admin consent");
    }

    @Test
    void aRefusedGetScheduleAsksForCalendarsReadBasic() throws IOException {
        contoso.denySchedules();

        assertThat(check(contosoYaml())).isEqualTo(1);

        assertThat(out.toString()).contains("FAILED", "ErrorAccessDenied",
                "- grant the application permission Calendars.ReadBasic.All (Microsoft Graph, Application) and admin consent");
    }

    @Test
    void aRefusedPresenceApiAsksForPresenceReadAll() throws IOException {
        contoso.denyPresences();

        assertThat(check(contosoYaml())).isEqualTo(1);

        assertThat(out.toString()).contains("FAILED",
                "- grant the application permission Presence.Read.All (Microsoft Graph, Application) and admin consent");
    }

    @Test
    void oneFailingTenantDoesNotStopTheOthersCheck() throws IOException {
        contoso.rejectSecret();

        int exit = check(contosoYaml() + fabrikam.tenantYaml("fabrikam", "carl@fabrikam.com"));

        assertThat(exit).isEqualTo(1);
        String text = out.toString();
        assertThat(text).contains("tenant contoso (tenantId " + CONTOSO + ", clientId " + GraphFixture.CLIENT_ID + "): FAILED",
                "tenant fabrikam (tenantId " + FABRIKAM + ", clientId " + GraphFixture.CLIENT_ID + "): OK", "1 of 2 tenant(s) OK");
        assertThat(text.indexOf("tenant contoso")).isLessThan(text.indexOf("tenant fabrikam"));
        assertThat(text + err).doesNotContain(GraphFixture.CLIENT_SECRET, GraphFixture.ACCESS_TOKEN);
    }

    @Test
    void aBadConfigurationStillExitsWithTwo() throws IOException {
        assertThat(check("  - name: Not_Valid\n")).isEqualTo(Main.CONFIG_ERROR);
        assertThat(err.toString()).contains("configuration error");
    }

    @Test
    void aHangingTenantTimesOutWhileTheOtherIsChecked() throws IOException {
        contoso.slowToken(8_000);

        int exit = check(contosoYaml() + fabrikam.tenantYaml("fabrikam", "carl@fabrikam.com"), "--timeout", "2");

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString()).contains("): FAILED", "no answer within 2 s",
                "tenant fabrikam (tenantId " + FABRIKAM + ", clientId " + GraphFixture.CLIENT_ID + "): OK");
    }
}
