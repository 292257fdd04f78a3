package io.presencesync.adapter.cli;

import io.presencesync.adapter.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** The {@code presence-sync} command line. */
@Command(name = "presence-sync", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Keeps unified-communications presence in step with Microsoft 365 calendars and Teams calls.",
        subcommands = {RunCommand.class, DemoCommand.class, ValidateCommand.class, CheckCommand.class})
public final class Main implements Callable<Integer> {

    /** Exit code for a configuration error: nothing was started. */
    static final int CONFIG_ERROR = 2;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException) {
                cmd.getErr().println("configuration error: " + e.getMessage());
                return CONFIG_ERROR;
            }
            throw e;
        });
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 0;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"presence-sync " + (v == null ? "(development build)" : v)};
        }
    }

}
