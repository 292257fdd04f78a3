package io.presencesync.adapter.cli;

import io.presencesync.adapter.config.AppConfig;
import io.presencesync.adapter.graph.TenantCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "check", description = {
        "Try each tenant against Entra ID and Microsoft Graph, the way 'run' will use it.",
        "Gets a token, looks up the users and groups, reads one user's free/busy (getSchedule) and presence "
                + "(getPresencesByUserId), then probes a sample of the users (all with --all-users) the way the service reads them, "
                + "listing the users whose mailbox or presence is refused, by reason. Prints OK or FAILED per tenant, the step at "
                + "fault and what to fix; the probe's progress goes to stderr. Tenants are checked at the same time. Changes nothing; "
                + "the secret and the token are never printed."},
        exitCodeList = {"0:every tenant is OK", "1:a tenant is not OK (see its block)",
                "2:configuration error, named with its field (nothing was tried)"})
final class CheckCommand implements Callable<Integer> {

    /** Exit code when a tenant failed its check. */
    static final int TENANT_FAILED = 1;

    @Mixin
    ConfigOptions config;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Time limit for each tenant's check, in seconds (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--all-users", description = "Probe every user found, not a sample: getSchedule in full batches and presence "
            + "650 ids a request, within Graph's limits (a 50,000-user tenant takes minutes: raise --timeout).")
    boolean allUsers;

    @Option(names = "--sample", paramLabel = "N", defaultValue = "" + TenantCheck.DEFAULT_SAMPLE,
            description = "How many of the users found are probed without --all-users (default: ${DEFAULT-VALUE}).")
    int sample;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        AppConfig c = config.load();
        PrintWriter err = spec.commandLine().getErr();
        TenantCheck.Options options = new TenantCheck.Options(allUsers ? Integer.MAX_VALUE : Math.max(1, sample), line -> {
            synchronized (err) {
                err.println(line);
                err.flush();
            }
        });
        List<TenantCheck.Verdict> verdicts = TenantCheck.checkAll(c.tenants(), config.env, Duration.ofSeconds(Math.max(1, timeoutSeconds)),
                Clock.systemUTC(), options);
        PrintWriter out = spec.commandLine().getOut();
        for (TenantCheck.Verdict v : verdicts) print(out, v);
        long failed = verdicts.stream().filter(v -> !v.ok()).count();
        out.printf("%d of %d tenant(s) OK%n", verdicts.size() - failed, verdicts.size());
        out.flush();
        return failed == 0 ? 0 : TENANT_FAILED;
    }

    static void print(PrintWriter out, TenantCheck.Verdict v) {
        out.printf("tenant %s (tenantId %s, clientId %s): %s%n", v.tenant(), v.tenantId(), v.clientId(), v.ok() ? "OK" : "FAILED");
        for (TenantCheck.Finding f : v.findings()) {
            if (f.detail().isEmpty()) continue;
            String[] lines = f.detail().split("\n");
            out.printf("  %-9s %-21s %s%n", label(f.status()), f.step(), lines[0]);
            for (int i = 1; i < lines.length; i++) out.printf("  %-9s %-21s   - %s%n", "", "", lines[i]);
        }
        List<String> actions = v.actions();
        if (!actions.isEmpty()) {
            out.println("  to fix:");
            for (String a : actions) out.println("    - " + a);
        }
        out.println();
    }

    private static String label(TenantCheck.Status s) {
        return switch (s) {
            case OK -> "[ok]";
            case FAILED -> "[FAILED]";
            case WARNING -> "[warning]";
            case SKIPPED -> "[skipped]";
        };
    }
}
