package io.presencesync.adapter.cli;

import io.presencesync.adapter.config.AppConfig;
import io.presencesync.adapter.config.ConfigException;
import io.presencesync.adapter.config.TenantConfig;
import io.presencesync.adapter.graph.TenantGraph;
import io.presencesync.application.SyncTiming;
import io.presencesync.application.UnitSync;
import io.presencesync.application.UserInputs;
import io.presencesync.application.explain.ExplainUser;
import io.presencesync.application.port.MailboxSchedule;
import io.presencesync.application.port.SourceResult;
import io.presencesync.application.port.TeamsPresence;
import io.presencesync.application.status.SyncStep;
import io.presencesync.application.status.UserProblem;
import io.presencesync.domain.AutoReplies;
import io.presencesync.domain.CallState;
import io.presencesync.domain.User;
import io.presencesync.rules.PresenceRules;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "explain", description = {
        "Explain why a user shows busy, away or nothing, reading Microsoft Graph directly (no running service needed).",
        "Looks the user up, reads their free/busy over the read horizon (getSchedule) and their Teams presence "
                + "(getPresencesByUserId), applies the tenant's rules and prints each segment of the timeline with the rule "
                + "and the inputs that decided it, the next transitions and any error. Never prints a subject, location or body."},
        exitCodeList = {"0:the user was explained", "1:the user could not be looked up or read (the reason is printed)",
                "2:configuration error, named with its field (nothing was tried)"})
final class ExplainCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions config;

    @Option(names = "--tenant", paramLabel = "NAME", description = "The tenant the user is in (needed when the configuration has several).")
    String tenantName;

    @Parameters(paramLabel = "USER", description = "The user's UPN, mail address or object id.")
    String user;

    @Spec
    CommandSpec spec;

    /** The clock of the read; replaceable in tests. */
    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
        AppConfig c = config.load();
        TenantConfig tenant = tenant(c);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SyncTiming timing = new SyncTiming(c.sync().calendarPollInterval(), c.sync().horizon(), c.sync().userRefreshInterval(),
                c.sync().callStatePollInterval());
        TenantGraph graph = TenantGraph.connect(tenant, config.env, clock);
        SourceResult<User> found = graph.directory().resolve(List.of(user)).get(user);
        if (!(found instanceof SourceResult.Ok<User> ok)) {
            err.printf("tenant %s: user %s not looked up: %s%n", tenant.name(), user, why(found));
            err.flush();
            return Main.RUNTIME_FAILURE;
        }
        User u = ok.value();
        Instant now = clock.instant();
        Instant from = now.minus(UnitSync.LOOK_BACK);
        List<UserProblem> problems = new ArrayList<>();
        SourceResult<MailboxSchedule> schedule = graph.calendars().schedules(List.of(u), from, now.plus(timing.horizon())).get(u.id());
        SourceResult<TeamsPresence> presence = graph.callStates().presences(List.of(u)).get(u.id());
        MailboxSchedule read = schedule instanceof SourceResult.Ok<MailboxSchedule> s ? s.value() : null;
        TeamsPresence teams = presence instanceof SourceResult.Ok<TeamsPresence> p ? p.value() : null;
        problem(problems, u, SyncStep.CALENDAR_POLL, schedule);
        problem(problems, u, SyncStep.CALL_STATE_POLL, presence);
        if (read == null && teams == null) {
            err.printf("tenant %s: neither the calendar nor the presence of %s could be read: calendar: %s; presence: %s%n", tenant.name(),
                    u.address(), why(schedule), why(presence));
            err.flush();
            return Main.RUNTIME_FAILURE;
        }
        // One read: a call and automatic replies are seen now; the service knows since when from its earlier polls.
        UserInputs inputs = new UserInputs(u, read == null ? null : now, from, read == null ? List.of() : read.items(), null,
                read == null ? null : read.mailboxZone(), teams == null ? null : new CallState(teams.activity(), now),
                teams != null && teams.outOfOffice() ? new AutoReplies(now, now) : null, teams == null ? null : now, null, 0, false);
        ExplanationText.print(out, ExplainUser.explain(tenant.name(), inputs, new PresenceRules(tenant.rules()), timing, now, problems, List.of()));
        out.println();
        out.println("This explains a fresh read. The running service explains from its own last reads: the user's page on the "
                + "status page, or GET /api/presences/" + tenant.name() + "/" + u.id() + "/explain.");
        out.flush();
        return 0;
    }

    private TenantConfig tenant(AppConfig c) {
        if (tenantName != null) {
            Optional<TenantConfig> t = c.tenants().stream().filter(x -> x.name().equals(tenantName)).findFirst();
            return t.orElseThrow(() -> new ConfigException("--tenant " + tenantName + ": no such tenant in " + config.file + "; configured: "
                    + String.join(", ", c.tenants().stream().map(TenantConfig::name).toList())));
        }
        if (c.tenants().size() == 1) return c.tenants().get(0);
        throw new ConfigException("--tenant: " + config.file + " configures " + c.tenants().size() + " tenants; name one of "
                + String.join(", ", c.tenants().stream().map(TenantConfig::name).toList()));
    }

    private static void problem(List<UserProblem> problems, User u, SyncStep step, SourceResult<?> r) {
        if (r instanceof SourceResult.UserError<?> e) problems.add(new UserProblem(u.address(), step, e.code(), e.message()));
        else if (r instanceof SourceResult.Unavailable<?> un) problems.add(new UserProblem(u.address(), step, "unavailable", un.message()));
    }

    private static String why(SourceResult<?> r) {
        if (r instanceof SourceResult.UserError<?> e) return e.code() + ": " + e.message();
        if (r instanceof SourceResult.Unavailable<?> u) return u.message();
        return "no answer";
    }
}
