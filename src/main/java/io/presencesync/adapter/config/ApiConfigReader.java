package io.presencesync.adapter.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads {@code api:} ({@link ApiConfig}); every token file must hold usable tokens when the configuration is loaded. */
final class ApiConfigReader {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

    private ApiConfigReader() {}

    static ApiConfig read(ConfigNode a) {
        a.allowOnly("bindAddress", "port", "tokens", "tls", "limits");
        ApiConfig d = ApiConfig.DEFAULTS;
        String bind = BindAddress.read(a, "bindAddress", d.bindAddress());
        int port = a.integer("port", d.port(), 0, 65535);
        List<ApiConfig.Token> tokens = a.has("tokens") ? a.list("tokens", ApiConfigReader::token) : List.of();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (!names.add(tokens.get(i).name())) {
                throw new ConfigException(a.child("tokens").path() + "[" + i + "].name: '" + tokens.get(i).name() + "' is used by another token");
            }
        }
        Optional<ApiConfig.Tls> tls = a.has("tls") ? Optional.of(tls(a.child("tls"))) : Optional.empty();
        ApiConfig.Limits limits = a.has("limits") ? limits(a.child("limits")) : ApiConfig.Limits.DEFAULTS;
        return new ApiConfig(bind, port, tokens, tls, limits);
    }

    private static ApiConfig.Token token(ConfigNode t) {
        t.allowOnly("name", "file", "scopes");
        String name = t.required("name").text();
        if (!NAME.matcher(name).matches()) {
            throw t.child("name").error("'" + name + "' must be 1-63 letters, digits, '.', '_' or '-' (it appears in the audit log)");
        }
        ConfigNode fileNode = t.required("file");
        Path file = Path.of(fileNode.text());
        try {
            TokenFileFormat.read(file);
        } catch (ConfigException e) {
            throw fileNode.error(e.getMessage());
        }
        List<String> scopeNames = t.list("scopes", ConfigNode::text);
        if (scopeNames.isEmpty()) throw t.child("scopes").error("give at least one of read, write");
        Set<ApiConfig.Scope> scopes = EnumSet.noneOf(ApiConfig.Scope.class);
        for (int i = 0; i < scopeNames.size(); i++) {
            try {
                scopes.add(ApiConfig.Scope.valueOf(scopeNames.get(i).toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(t.path() + ".scopes[" + i + "]: '" + scopeNames.get(i) + "' is not one of read, write");
            }
        }
        return new ApiConfig.Token(name, file, scopes);
    }

    /** Loaded now, by the code the API server loads them with, so a file that does not parse fails here and not at the bind. */
    private static ApiConfig.Tls tls(ConfigNode t) {
        t.allowOnly("certificateFile", "keyFile");
        ApiConfig.Tls tls = new ApiConfig.Tls(Path.of(t.required("certificateFile").text()), Path.of(t.required("keyFile").text()));
        PemKeyMaterial.read(tls);
        return tls;
    }

    private static ApiConfig.Limits limits(ConfigNode l) {
        l.allowOnly("requestsPerSecond", "burst", "eventStreamsPerToken", "sessionTimeout");
        ApiConfig.Limits d = ApiConfig.Limits.DEFAULTS;
        int rate = l.integer("requestsPerSecond", d.requestsPerSecond(), 1, 100_000);
        int burst = l.integer("burst", d.burst(), 1, 1_000_000);
        int streams = l.integer("eventStreamsPerToken", d.eventStreamsPerToken(), 1, 32);
        Duration session = l.duration("sessionTimeout", d.sessionTimeout(), Duration.ofMinutes(1));
        return new ApiConfig.Limits(rate, burst, streams, session);
    }
}
