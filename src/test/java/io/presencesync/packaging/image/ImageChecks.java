package io.presencesync.packaging.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.presencesync.packaging.image.ImageCheck.seconds;

/** What the image is, read from its configuration, its file system and its layers, and what it does when run. */
final class ImageChecks {

    /** Shells of the Debian base: masked (a device node in their place) to show the image needs none. */
    private static final List<String> SHELLS = List.of("/usr/bin/dash", "/usr/bin/bash", "/usr/bin/sh", "/usr/bin/rbash");
    /**
     * Paths no layer may hold: version control, build caches, private keys and key stores, the test
     * certificates, files in the mount points of the configuration and the secrets.
     */
    private static final Pattern FORBIDDEN = Pattern.compile(
            "(^|/)\\.git(/|$)|(^|/)\\.m2(/|$)|(^|/)\\.ssh(/|$)|(^|/)id_(rsa|ecdsa|ed25519)|\\.(key|p12|pfx|jks|keystore|env)$"
                    + "|test-tls|presence-sync-demo-secret|^etc/presence-sync/.|^var/run/secrets/presence-sync/.");
    /** Public CA certificates the base system ships; a .pem anywhere else is reported. */
    private static final Pattern PUBLIC_CERTIFICATES = Pattern.compile("^(etc/ssl/certs|usr/share/ca-certificates|etc/ca-certificates)/|^usr/lib/ssl/cert\\.pem$");

    private ImageChecks() {}

    static void run(ImageCheck check, String image, String version, String revision) throws IOException {
        Podman podman = check.podman();
        JsonNode config = podman.json("image", "inspect", image).get(0).get("Config");

        check.check("the image runs as the numeric user 10001", () -> {
            String user = config.path("User").asText();
            if (!user.equals("10001:10001")) throw new AssertionError("User is '" + user + "'");
            return "User " + user;
        });
        check.check("the labels name the build", () -> {
            JsonNode labels = config.path("Labels");
            List<String> missing = new ArrayList<>();
            for (String l : List.of("title", "description", "version", "revision", "base.name")) {
                if (labels.path("org.opencontainers.image." + l).asText().isBlank()) missing.add(l);
            }
            if (!missing.isEmpty()) throw new AssertionError("labels org.opencontainers.image." + missing + " missing");
            expect(labels.path("org.opencontainers.image.version").asText(), version, "version label");
            expect(labels.path("org.opencontainers.image.revision").asText(), revision, "revision label");
            return "version " + version + ", revision " + revision + ", base " + labels.path("org.opencontainers.image.base.name").asText();
        });
        check.check("the entry point is an exec form that needs no shell", () -> {
            String entrypoint = config.path("Entrypoint").toString();
            if (!config.path("Entrypoint").path(0).asText().equals("java")) throw new AssertionError("Entrypoint " + entrypoint);
            List<String> run = new ArrayList<>(List.of("run", "--rm", "--network", "none", "--read-only", "--cap-drop", "ALL",
                    "--security-opt", "no-new-privileges"));
            for (String shell : SHELLS) run.addAll(List.of("-v", "/dev/null:" + shell + ":ro"));
            run.addAll(List.of(image, "version"));
            String out = podman.podmanOrFail(seconds(60), run.toArray(String[]::new)).out();
            expect(out, "presence-sync " + version + " (git " + revision + ")", "version");
            return entrypoint + "; 'version' with " + String.join(", ", SHELLS) + " masked: " + out.lines().findFirst().orElse("");
        });
        check.check("validate accepts the example configuration", () -> validate(check, image));

        Path root = Path.of(podman.podmanOrFail(seconds(60), "image", "mount", image).out().strip());
        try {
            check.check("the SBOM lists the jar's libraries", () -> sbom(root.resolve("app/bom.json")));
            check.check("the jar holds no key or certificate", () -> jarHoldsNoKeys(check, root.resolve("app/presence-sync.jar")));
        } finally {
            podman.podman(seconds(60), "image", "unmount", image);
        }
        check.check("no layer holds .git, a build cache, a key or a secret", () -> layers(check, image));
    }

    private static String validate(ImageCheck check, String image) throws IOException {
        // The example names its secrets' files under the Secret's mount path: give it files there.
        Path secrets = Files.createDirectories(check.work().resolve("example-secrets"));
        List<String> files = new ArrayList<>();
        new ObjectMapper(new YAMLFactory()).readTree(ImageCheck.EXAMPLE_CONFIG.toFile()).findValues("secretFile").forEach(f -> files.add(f.asText()));
        for (String f : files) Files.writeString(secrets.resolve(Path.of(f).getFileName()), "not-a-real-secret\n");
        Podman.Result r = check.podman().podmanOrFail(seconds(60), "run", "--rm", "--network", "none", "--read-only",
                "-v", ImageCheck.EXAMPLE_CONFIG.toAbsolutePath() + ":/etc/presence-sync/presence-sync.yaml:ro",
                "-v", secrets.toAbsolutePath() + ":/var/run/secrets/presence-sync:ro", image,
                "validate", "--config", "/etc/presence-sync/presence-sync.yaml");
        return r.out().lines().findFirst().orElse("");
    }

    private static String sbom(Path bom) throws IOException {
        if (!Files.isRegularFile(bom)) throw new AssertionError("/app/bom.json is missing");
        JsonNode b = ImageCheck.json(Files.readString(bom));
        expect(b.path("bomFormat").asText(), "CycloneDX", "bomFormat");
        List<String> names = new ArrayList<>();
        b.path("components").forEach(c -> names.add(c.path("name").asText()));
        for (String needed : List.of("microsoft-graph", "azure-identity", "quartz", "jedis", "logback-classic")) {
            if (!names.contains(needed)) throw new AssertionError("no component " + needed + " among " + names.size());
        }
        if (names.stream().anyMatch(n -> n.startsWith("junit") || n.startsWith("wiremock") || n.startsWith("assertj"))) {
            throw new AssertionError("test libraries listed: " + names);
        }
        return "/app/bom.json: CycloneDX " + b.path("specVersion").asText() + ", " + names.size() + " components";
    }

    private static String jarHoldsNoKeys(ImageCheck check, Path jar) {
        Podman.Result list = check.podman().exec(seconds(60), List.of("unzip", "-Z1", jar.toString()));
        if (!list.ok()) throw new Podman.CheckFailed(list.describe());
        List<String> found = list.out().lines().filter(n -> n.matches("(?i).*\\.(key|pem|p12|pfx|jks|keystore|crt)$")).toList();
        if (!found.isEmpty()) throw new AssertionError("key or certificate files in the jar: " + found);
        check.figure("jar", megabytes(jar.toFile().length()));
        return list.out().lines().count() + " entries, " + megabytes(jar.toFile().length());
    }

    /** Every layer's file list (a file deleted by a later layer still ships in its own). */
    private static String layers(ImageCheck check, String image) throws IOException {
        Path oci = check.work().resolve("oci");
        deleteRecursively(oci);
        check.podman().podmanOrFail(seconds(300), "save", "--format", "oci-dir", "-o", oci.toString(), image);
        JsonNode index = ImageCheck.json(Files.readString(oci.resolve("index.json")));
        JsonNode manifest = ImageCheck.json(Files.readString(blob(oci, index.path("manifests").get(0).path("digest").asText())));
        JsonNode history = check.podman().json("history", "--format", "json", image);
        List<String> findings = new ArrayList<>();
        long total = 0;
        int n = 0;
        for (JsonNode layer : manifest.path("layers")) {
            Path blob = blob(oci, layer.path("digest").asText());
            int number = n + 1;
            Podman.Result list = check.podman().exec(seconds(300), List.of("tar", "-tf", blob.toString()));
            if (!list.ok()) throw new Podman.CheckFailed(list.describe());
            list.out().lines().map(p -> p.replaceFirst("^\\./", ""))
                    .filter(p -> FORBIDDEN.matcher(p).find() || p.endsWith(".pem") && !PUBLIC_CERTIFICATES.matcher(p).find())
                    .forEach(p -> findings.add("layer " + number + ": " + p));
            total += layer.path("size").asLong();
            n++;
        }
        if (!findings.isEmpty()) throw new AssertionError(findings.size() + " file(s): " + findings.subList(0, Math.min(20, findings.size())));
        long size = check.podman().json("image", "inspect", image).get(0).path("Size").asLong();
        check.figure("image", megabytes(size) + " in " + n + " layers");
        check.info("image size " + megabytes(size) + " (compressed layers " + megabytes(total) + "); layers, newest first:");
        for (JsonNode h : history) {
            if (h.path("size").asLong() == 0) continue;
            String created = h.path("CreatedBy").asText(h.path("createdBy").asText()).replaceAll("\\s+", " ");
            check.info(String.format(Locale.ROOT, "  %9s  %s", megabytes(h.path("size").asLong()),
                    created.length() > 110 ? created.substring(0, 110) + "…" : created));
        }
        deleteRecursively(oci);
        return n + " layers scanned, none holds a forbidden path";
    }

    private static Path blob(Path oci, String digest) {
        return oci.resolve("blobs").resolve(digest.replace(':', '/'));
    }

    static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1_000_000.0);
    }

    private static void expect(String seen, String expected, String what) {
        if (!seen.contains(expected)) throw new AssertionError(what + ": expected '" + expected + "', saw '" + seen.strip() + "'");
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
