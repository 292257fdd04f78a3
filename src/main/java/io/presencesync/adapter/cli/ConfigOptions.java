package io.presencesync.adapter.cli;

import io.presencesync.adapter.config.AppConfig;
import io.presencesync.adapter.config.ConfigLoader;
import io.presencesync.adapter.xmpp.XmppFederation;
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

    /**
     * The configuration, read and validated completely, with what the service reads from disk when it
     * starts (the XMPP subscribers file) checked by the code that reads it then; a configuration error
     * names the field at fault. Every command loads it this way, so {@code validate} refuses what
     * {@code run} would refuse at start, short of binding the ports and connecting.
     */
    AppConfig load() {
        AppConfig config = new ConfigLoader(env).read(file);
        config.xmpp().ifPresent(XmppFederation::check);
        return config;
    }
}
