package io.presencesync.adapter.cli;

import io.presencesync.adapter.config.ApiConfig;
import io.presencesync.adapter.config.AppConfig;
import io.presencesync.adapter.config.ConfigException;
import io.presencesync.adapter.config.CredentialConfig;
import io.presencesync.adapter.config.GraphCloud;
import io.presencesync.adapter.config.ManagementConfig;
import io.presencesync.adapter.config.PublisherConfig;
import io.presencesync.adapter.config.Secret;
import io.presencesync.adapter.config.SyncConfig;
import io.presencesync.adapter.config.TenantConfig;
import io.presencesync.adapter.demo.DemoCalendars;
import io.presencesync.adapter.demo.DemoCertificate;
import io.presencesync.adapter.demo.DemoGraphSimulator;
import io.presencesync.adapter.publisher.EmbeddedPresenceStore;
import io.presencesync.domain.ManualPresence;
import io.presencesync.domain.PresenceState;
import io.presencesync.domain.Profile;
import io.presencesync.domain.User;
import io.presencesync.rules.RuleSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "demo", description = {
        "Run the real pipeline against an embedded Graph simulator and print each presence change.",
        "The simulator plays a demo tenant of 25 users whose calendars and calls are generated around now; "
                + "the presences go to the embedded presence store. Needs no configuration file and no network "
                + "(the simulator listens on 127.0.0.1). Runs until Ctrl-C."},
        exitCodeList = {"130:stopped by Ctrl-C (143: by SIGTERM), the JVM's codes for a stop by signal",
                "1:runtime failure (e.g. the simulator could not start)",
                "2:a port is taken (choose another with --port or --management-port), or a wrong command line"})
final class DemoCommand implements Callable<Integer> {

    /** Faster than production defaults, so that new calls show within seconds. */
    static final SyncConfig DEMO_SYNC = new SyncConfig(Duration.ofSeconds(30), Duration.ofSeconds(5),
            Duration.ofHours(24), Duration.ofMinutes(15), SyncConfig.DEFAULT_UNIT_SIZE, SyncConfig.DEFAULT_THREADS);

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "Port of the status page and the store API on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int apiPort;

    @Option(names = "--management-port", paramLabel = "PORT", defaultValue = "8081",
            description = "Port of /healthz, /readyz and /metrics on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 picks a free one).")
    int managementPort;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        DemoCertificate certificate = DemoCertificate.generate();
        trustForThisProcess(certificate);
        Clock clock = Clock.systemUTC();
        DemoGraphSimulator simulator = DemoGraphSimulator.start(clock, certificate, DemoCalendars.startingAt(clock.instant()));
        String token = DemoToken.generate();
        Path tokenFile = secretFile("presence-sync-demo-token-", token);
        AppConfig config = config(simulator, secretFile("presence-sync-demo-secret-", simulator.clientSecret()),
                new ManagementConfig("127.0.0.1", managementPort), DemoToken.api(apiPort, tokenFile));
        PrintWriter out = spec.commandLine().getOut();
        out.printf("presence-sync demo: Graph simulator at %s with %d users; polling calendars every %ss and calls every %ss.%n",
                simulator.graphBaseUrl(), simulator.userPrincipalNames().size(),
                DEMO_SYNC.calendarPollInterval().toSeconds(), DEMO_SYNC.callStatePollInterval().toSeconds());
        ServiceRunner runner;
        try {
            runner = new ServiceRunner(config, System.getenv(), clock, ServiceRunner.changeLines(System.out, clock));
        } catch (ConfigException e) { // the simulator must not outlive a failed start
            simulator.close();
            // The demo has no configuration file: its one setting is an option.
            throw new ConfigException(e.getMessage().replace("choose another management.port", "choose another with --management-port")
                    .replace("choose another api.port", "choose another with --port"), e);
        } catch (Exception e) {
            simulator.close();
            throw e;
        }
        String base = "http://127.0.0.1:" + runner.api().port();
        out.printf("Status page: %s%s  (a one-time sign-in link; metrics at http://127.0.0.1:%d/metrics)%n", base,
                runner.api().loginPath(token).orElseThrow(), runner.managementPort());
        out.printf("Store API: curl -H \"Authorization: Bearer $(cat %s)\" %s/api/presences%n", tokenFile, base);
        out.println("The first changes follow within about a minute. Stop with Ctrl-C.");
        out.flush();
        seedManualPresences(runner.store(), simulator.calendars());
        RunCommand.runUntilStopped(runner, simulator);
        return 0;
    }

    /**
     * Production trusts through the JVM's standard truststore settings; the demo does the same
     * with its own self-signed certificate, set before the first TLS connection of the process.
     */
    private static void trustForThisProcess(DemoCertificate certificate) {
        System.setProperty("javax.net.ssl.trustStore", certificate.trustStore().toString());
        System.setProperty("javax.net.ssl.trustStorePassword", new String(certificate.password()));
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
    }

    static AppConfig config(DemoGraphSimulator simulator, Path secretFile, ManagementConfig management, ApiConfig api) {
        TenantConfig tenant = new TenantConfig("demo", simulator.tenantId(), simulator.clientId(), GraphCloud.GLOBAL,
                simulator.graphBaseUrl(), simulator.authorityHost(), new CredentialConfig.ClientSecret(Secret.file(secretFile)),
                simulator.userPrincipalNames(), List.of(), RuleSettings.DEFAULTS);
        return new AppConfig(List.of(tenant), DEMO_SYNC, List.of(new PublisherConfig.Embedded(true)), management, api, Optional.empty());
    }

    /**
     * What the users chose in their UC clients, so the demo shows the merge: everyone AVAILABLE,
     * Anna with a profile that forwards her calls to her mobile (suspended while an event shows),
     * Hannah on DO NOT DISTURB (never downgraded by an event). They chose before today's events
     * began; a choice made during an event would win over it.
     */
    static void seedManualPresences(EmbeddedPresenceStore store, DemoCalendars calendars) {
        Instant chosen = calendars.start().minus(Duration.ofDays(2));
        for (DemoCalendars.DemoUser u : calendars.users()) {
            User user = new User(u.id(), u.userPrincipalName(), u.displayName());
            ManualPresence manual = switch (u.userPrincipalName().substring(0, u.userPrincipalName().indexOf('@'))) {
                case "anna.schmidt" -> new ManualPresence(PresenceState.AVAILABLE,
                        new Profile(null, "mobile", "Working from home", "+49 170 0000000"), chosen);
                case "hannah.koch" -> new ManualPresence(PresenceState.DO_NOT_DISTURB, null, chosen);
                default -> new ManualPresence(PresenceState.AVAILABLE, null, chosen);
            };
            store.setManual("demo", user, manual);
        }
    }

    /** The simulator's secret and the demo's token go where production secrets go: a file only its owner can read. */
    static Path secretFile(String prefix, String secret) throws IOException {
        Path file = Files.createTempFile(prefix, ".txt",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        file.toFile().deleteOnExit();
        return Files.writeString(file, secret);
    }
}
