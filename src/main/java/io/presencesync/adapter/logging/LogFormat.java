package io.presencesync.adapter.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusListener;
import org.slf4j.LoggerFactory;

import java.net.URL;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * How diagnostics are written: readable lines (logback.xml, the default) or one JSON object per
 * line (logback-json.xml). Chosen from the command line or {@value #ENV} before the first log line.
 */
public enum LogFormat {
    TEXT("logback.xml"), JSON("logback-json.xml");

    /** The environment variable that selects the format when the command line does not. */
    public static final String ENV = "PRESENCE_SYNC_LOG_FORMAT";
    /** The command-line option, global to every command. */
    public static final String OPTION = "--log-format";
    /** The format Logback was last configured for: one per process, like Logback's own configuration. */
    private static volatile LogFormat active = TEXT;

    private final String resource;

    LogFormat(String resource) {
        this.resource = resource;
    }

    /**
     * The format asked for by {@code --log-format X} / {@code --log-format=X} among {@code args},
     * else by {@value #ENV}, else TEXT. An unknown value counts as TEXT here; the command line parser
     * reports it.
     */
    public static LogFormat choose(String[] args, Map<String, String> env) {
        String asked = env.get(ENV);
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--")) break;
            if (args[i].equals(OPTION) && i + 1 < args.length) asked = args[i + 1];
            if (args[i].startsWith(OPTION + "=")) asked = args[i].substring(OPTION.length() + 1);
        }
        return parse(asked).orElse(TEXT);
    }

    static Optional<LogFormat> parse(String text) {
        if (text == null) return Optional.empty();
        for (LogFormat f : values()) {
            if (f.name().equalsIgnoreCase(text.trim())) return Optional.of(f);
        }
        return Optional.empty();
    }

    /**
     * Configures Logback for this format. An admin's own {@code -Dlogback.configurationFile} wins:
     * then nothing is changed.
     */
    public void apply() {
        active = this;
        if (System.getProperty("logback.configurationFile") != null) return;
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) return;
        URL config = LogFormat.class.getClassLoader().getResource(resource);
        if (config == null) throw new IllegalStateException(resource + " is missing from the class path");
        context.reset();
        // The problems of this configuration only: a listener, not timestamps compared with the system clock.
        List<Status> problems = new CopyOnWriteArrayList<>();
        StatusListener listener = status -> {
            if (status.getLevel() >= Status.WARN) problems.add(status);
        };
        context.getStatusManager().add(listener);
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(config);
        } catch (JoranException e) {
            throw new IllegalStateException("cannot configure logging from " + config + ": " + e.getMessage(), e);
        } finally {
            context.getStatusManager().remove(listener);
        }
        for (Status s : problems) System.err.println("logging: " + s.getMessage());
    }

    /** The format the diagnostics are written in (TEXT until {@link #apply} chose another). */
    public static LogFormat active() { return active; }

    /** The lower-case name used on the command line. */
    @Override
    public String toString() { return name().toLowerCase(Locale.ROOT); }
}
