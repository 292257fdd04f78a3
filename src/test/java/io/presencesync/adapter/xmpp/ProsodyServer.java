package io.presencesync.adapter.xmpp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Debian's Prosody (0.12), with {@code src/test/resources/xmpp/prosody.cfg.lua}. */
public final class ProsodyServer extends XmppTestServer {

    private final Path config;

    public ProsodyServer() throws IOException {
        super("prosody");
        requireInstalled("prosody", "prosody");
        Files.createDirectories(dir.resolve("data"));
        config = dir.resolve("prosody.cfg.lua");
        Files.writeString(config, template("prosody.cfg.lua", Map.of("DIR", dir.toString(), "C2S_PORT", String.valueOf(c2sPort),
                "COMPONENT_PORT", String.valueOf(componentPort), "COMPONENT", COMPONENT, "SECRET", SECRET)));
    }

    @Override
    List<String> command() { return List.of("prosody", "--config", config.toString(), "-F"); }

    @Override
    public void register(String user, String password) throws IOException, InterruptedException {
        run(List.of("prosodyctl", "--config", config.toString(), "register", user, DOMAIN, password), dir.resolve("prosodyctl.log"));
    }
}
