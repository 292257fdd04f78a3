package io.presencesync.adapter.cli;

import io.presencesync.adapter.config.AppConfig;
import io.presencesync.adapter.config.TenantConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "validate", description = {
        "Read and validate a configuration file, then exit; nothing is started, no port bound, no connection made.",
        "Replaces $${NAME} references from the environment and checks every key, every value, each referenced "
                + "secret (without printing it), certificate and token file, the bind addresses and the XMPP "
                + "subscribers file by the code 'run' checks them with at start. Credentials and Graph are "
                + "'check''s job. On success prints a short summary: tenants with their users and groups, "
                + "publishers, single node or clustered."},
        exitCodeList = {"0:the configuration is valid", "2:configuration error, named with its field and the bad value"})
final class ValidateCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        AppConfig c = config.load();
        int users = c.tenants().stream().mapToInt(t -> t.users().size()).sum();
        int groups = c.tenants().stream().mapToInt(t -> t.groups().size()).sum();
        String publishers = c.publishers().stream().map(p -> kind(p.getClass())).collect(Collectors.joining(", "));
        String mode = c.cluster().map(k -> "clustered on PostgreSQL " + k.jdbcUrl().replaceFirst("[?;].*", "")).orElse("single node");
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%s is valid: %d tenant(s), %d listed user(s), %d group(s), %d publisher(s) (%s), %s%n",
                config.file, c.tenants().size(), users, groups, c.publishers().size(), publishers, mode);
        for (TenantConfig t : c.tenants()) {
            out.printf("  tenant %s: %d user(s), %d group(s), credential %s, cloud %s%n", t.name(), t.users().size(),
                    t.groups().size(), kind(t.credential().getClass()), t.cloud().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        out.flush();
        return 0;
    }

    /** A config record's kind as the YAML names it: ClientSecret → clientSecret, Embedded → embedded. */
    private static String kind(Class<?> type) {
        String name = type.getSimpleName();
        return Character.toLowerCase(name.charAt(0)) + name.substring(1);
    }
}
