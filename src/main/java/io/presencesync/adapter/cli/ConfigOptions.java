package io.presencesync.adapter.cli;

import io.presencesync.adapter.config.AppConfig;
import io.presencesync.adapter.config.ConfigLoader;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the commands that work from a configuration file share (a picocli mixin): the file, and
 * the environment its ${NAME} references and secret variables are read from.
 */
final class ConfigOptions {

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "The YAML configuration file (example with every key: config/presence-sync.yaml).")
    Path file;

    /** The environment; replaceable in tests. */
    Map<String, String> env = System.getenv();

    /** The configuration, read and validated completely; a configuration error names the field at fault. */
    AppConfig load() {
        return new ConfigLoader(env).read(file);
    }
}
