package io.presencesync.adapter.cli;

import io.presencesync.adapter.config.ConfigException;
import io.presencesync.adapter.logging.LogFormat;
import io.presencesync.adapter.web.HttpServers;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * The {@code presence-sync} command line. Its commands inherit ({@code scope = INHERIT}) the standard
 * help and version options, the version provider and the exit-code heading; the ones that read a
 * configuration file share {@link ConfigOptions}.
 */
@Command(name = "presence-sync", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {
                "Keeps unified-communications presence in step with Microsoft 365 calendars and Teams calls.",
                "First try 'demo'; then, with your configuration file: 'validate', 'check', 'run'.",
                "Diagnostics go to stderr; presence changes and command results to stdout."},
        subcommands = {RunCommand.class, DemoCommand.class, ValidateCommand.class, CheckCommand.class, ExplainCommand.class, VersionCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:runtime failure (check: a tenant is not OK)",
                "2:configuration error or wrong command line: nothing was started"})
public final class Main implements Callable<Integer> {

    /** Exit code for a runtime failure after the configuration was accepted. */
    static final int RUNTIME_FAILURE = 1;
    /** Exit code for a configuration error: nothing was started. */
    static final int CONFIG_ERROR = 2;

    /** Read by picocli for help and validation; the format itself is chosen in {@link #main} before the first log line. */
    @Option(names = LogFormat.OPTION, scope = ScopeType.INHERIT, paramLabel = "text|json",
            defaultValue = "${env:" + LogFormat.ENV + ":-text}",
            description = {"Diagnostics as readable lines (text) or one JSON object per line (json, for log collectors).",
                    "Default: the environment variable " + LogFormat.ENV + ", else text."})
    LogFormat logFormat;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        LogFormat format = LogFormat.choose(args, System.getenv());
        format.apply();
        HttpServers.limitRequests(); // before the first JDK HTTP server of the process, which reads them once
        System.exit(commandLine(format).execute(args));
    }

    static CommandLine commandLine() {
        return commandLine(LogFormat.TEXT);
    }

    /** The command line; a configuration error exits with {@link #CONFIG_ERROR}, any other failure with {@link #RUNTIME_FAILURE}. */
    static CommandLine commandLine(LogFormat format) {
        CommandLine cli = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
        return cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException) {
                // A person reading a terminal wants the plain line; a log collector wants JSON.
                if (format == LogFormat.JSON) LoggerFactory.getLogger(Main.class).error("configuration error: {}", e.getMessage());
                else cmd.getErr().println("configuration error: " + e.getMessage());
                return CONFIG_ERROR;
            }
            LoggerFactory.getLogger(Main.class).error("presence-sync {} failed", cmd.getCommandName(), e);
            return RUNTIME_FAILURE;
        });
    }

    /** No command is a wrong command line: picocli prints the message and the usage on stderr and exits with 2. */
    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: one of run, demo, validate, check, explain, version");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return VersionCommand.lines();
        }
    }
}
