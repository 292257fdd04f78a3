package io.presencesync.adapter.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/** The Debian {@code chromium} in headless mode, with the flags that keep it quiet on a closed network. */
final class HeadlessChromium {

    static final Path BINARY = Path.of("/usr/bin/chromium");

    private final Path profile;

    HeadlessChromium(Path profile) {
        if (!Files.isExecutable(BINARY)) {
            fail(BINARY + " is missing; the status-page test needs a real browser: apt-get install -y chromium");
        }
        this.profile = profile;
    }

    /** Renders {@code url} in a window of the given size and writes a PNG of it. */
    void screenshot(String url, Path png, int width, int height) throws IOException, InterruptedException {
        run(List.of("--screenshot=" + png, "--window-size=" + width + "," + height, "--hide-scrollbars", url));
        if (!Files.isRegularFile(png)) fail("chromium wrote no screenshot to " + png);
    }

    /** The DOM after the page loaded, serialised as HTML. */
    String dumpDom(String url) throws IOException, InterruptedException {
        return run(List.of("--dump-dom", url));
    }

    private String run(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile));
        command.addAll(args);
        Path stdout = Files.createTempFile(profile, "chromium-", ".out");
        Process chromium = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!chromium.waitFor(90, TimeUnit.SECONDS)) {
            chromium.destroyForcibly();
            fail("chromium did not finish within 90 s: " + command);
        }
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }
}
