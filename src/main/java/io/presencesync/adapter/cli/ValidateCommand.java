package io.presencesync.adapter.cli;

import io.presencesync.adapter.config.AppConfig;
import io.presencesync.adapter.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "validate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, description = "Check a configuration file and exit: 0 when valid, 2 with the field at fault when not.")
final class ValidateCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The YAML configuration file.")
    Path config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        AppConfig c = ConfigLoader.load(config);
        int users = c.tenants().stream().mapToInt(t -> t.users().size()).sum();
        int groups = c.tenants().stream().mapToInt(t -> t.groups().size()).sum();
        spec.commandLine().getOut().printf("%s is valid: %d tenant(s), %d listed user(s), %d group(s), %d publisher(s)%n",
                config, c.tenants().size(), users, groups, c.publishers().size());
        return 0;
    }
}
