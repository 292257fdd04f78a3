package io.presencesync.packaging;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the Dockerfile promises, read as instructions (no Docker engine on these machines, so the
 * image itself is never built here): the build stage hands VERSION and REVISION to Maven, which
 * writes them into the jar's manifest for {@code presence-sync version}.
 */
class DockerfileTest {

    private static final Path DOCKERFILE = Path.of("Dockerfile");

    @Test
    void theBuildStagePassesVersionAndRevisionToMavenAfterTheDependencyLayer() throws IOException {
        List<String> build = stage("build");

        int dependencies = indexOf(build, "RUN mvn -B -q dependency:go-offline");
        int version = indexOf(build, "ARG VERSION");
        int revision = indexOf(build, "ARG REVISION=unknown");
        String packaging = build.stream().filter(i -> i.startsWith("RUN ") && i.contains(" package")).findFirst().orElseThrow();

        assertThat(version).as("declared after the dependency layer, so a new commit keeps that cache").isGreaterThan(dependencies);
        assertThat(revision).isGreaterThan(dependencies);
        assertThat(indexOf(build, packaging)).isGreaterThan(Math.max(version, revision));
        assertThat(packaging).contains("-Dgit.commit=\"${REVISION}\"", "${VERSION:+-Dapp.version=\"${VERSION}\"}");
    }

    @Test
    void thePomWritesThosePropertiesIntoTheManifestVersionReads() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));

        assertThat(pom).contains("<app.version>${project.version}</app.version>",
                "<Implementation-Version>${app.version}</Implementation-Version>", "<Git-Commit>${git.commit}</Git-Commit>",
                "<exec unless:set=\"git.commit\" executable=\"git\"");
    }

    @Test
    void theJvmFlagsAreOnTheCommandLineSoNoJavaToolOptionsLinePrecedesTheJsonLogs() throws IOException {
        List<String> all = instructions();

        assertThat(all).noneMatch(i -> i.contains("JAVA_TOOL_OPTIONS"));
        assertThat(all).contains("ENTRYPOINT [\"java\", \"-XX:MaxRAMPercentage=75\", \"-XX:+ExitOnOutOfMemoryError\", "
                + "\"-jar\", \"/app/presence-sync.jar\"]");
    }

    /** The instructions of the stage named {@code name} (continuation lines joined, comments dropped). */
    private static List<String> stage(String name) throws IOException {
        List<String> stage = new ArrayList<>();
        boolean inside = false;
        for (String instruction : instructions()) {
            if (instruction.startsWith("FROM ")) inside = instruction.endsWith(" AS " + name);
            else if (inside) stage.add(instruction);
        }
        return stage;
    }

    private static List<String> instructions() throws IOException {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(DOCKERFILE)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || trimmed.isEmpty() && current.isEmpty()) continue;
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            instructions.add(current.append(trimmed).toString().replaceAll("\\s+", " ").strip());
            current.setLength(0);
        }
        return instructions;
    }

    private static int indexOf(List<String> instructions, String instruction) {
        int index = instructions.indexOf(instruction);
        assertThat(index).as("%s in %s", instruction, instructions).isNotNegative();
        return index;
    }
}
