package io.presencesync.packaging.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The container image built from the unchanged Dockerfile, checked for real, and the chart's pod
 * started from its own manifests: {@code bash .ci/image} builds the image on local Debian bases and
 * then runs this. One line per check, a summary line last; exit code 0 when every check held.
 *
 * <p>Arguments: {@code --image REF --version V --revision R --build-seconds N}.
 */
public final class ImageCheck {

    static final Path CHART = Path.of("helm/presence-sync");
    static final Path EXAMPLE_CONFIG = Path.of("config/presence-sync.yaml");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> args;
    private final Path work;
    private final Podman podman;
    private final List<String> failures = new ArrayList<>();
    private final Map<String, String> figures = new LinkedHashMap<>();
    private int checks;

    private ImageCheck(Map<String, String> args, Path work) {
        this.args = args;
        this.work = work;
        this.podman = new Podman(work);
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new LinkedHashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        Path work = Files.createDirectories(Path.of("target/image-check"));
        ImageCheck check = new ImageCheck(args, work);
        String image = args.get("image");
        ImageChecks.run(check, image, args.get("version"), args.get("revision"));
        PodChecks.single(check, image);
        PodChecks.clustered(check, image);
        System.out.println(check.summary(image));
        System.exit(check.failures.isEmpty() ? 0 : 1);
    }

    /** Runs one check: a line "ok" with what was seen, or "FAIL" with why; true when it held. */
    boolean check(String name, CheckBody body) {
        checks++;
        try {
            String seen = body.run();
            System.out.println("ok    " + name + (seen == null || seen.isEmpty() ? "" : ": " + seen));
            return true;
        } catch (Podman.CheckFailed | AssertionError e) {
            failures.add(name);
            System.out.println("FAIL  " + name + ": " + e.getMessage());
        } catch (Exception e) {
            failures.add(name);
            System.out.println("FAIL  " + name + ": " + e);
        } finally {
            System.out.flush();
        }
        return false;
    }

    /** Prints a line of information (no check). */
    void info(String line) {
        System.out.println("      " + line);
        System.out.flush();
    }

    /** A figure for the summary line. */
    void figure(String name, String value) { figures.put(name, value); }

    Podman podman() { return podman; }

    Path work() { return work; }

    String arg(String name) { return args.get(name); }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new Podman.CheckFailed("not JSON: " + e.getMessage());
        }
    }

    static Duration seconds(long s) { return Duration.ofSeconds(s); }

    private String summary(String image) {
        StringBuilder line = new StringBuilder("image check: ").append(checks - failures.size()).append('/').append(checks)
                .append(" checks passed for ").append(image);
        figures.forEach((name, value) -> line.append("; ").append(name).append(' ').append(value));
        line.append("; built in ").append(args.get("build-seconds")).append(" s, all in ")
                .append(System.currentTimeMillis() / 1000 - Long.parseLong(args.get("started"))).append(" s");
        if (!failures.isEmpty()) line.append(" — FAILED: ").append(String.join(", ", failures));
        return line.toString();
    }

    @FunctionalInterface
    interface CheckBody {
        String run() throws Exception;
    }
}
