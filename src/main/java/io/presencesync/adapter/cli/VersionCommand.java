package io.presencesync.adapter.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.concurrent.Callable;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

@Command(name = "version", description = {"Print the version of presence-sync, the git commit it was built from and the Java runtime.",
                "The version and commit come from the jar's manifest; run from compiled classes (an IDE, the tests) "
                        + "it says so instead."},
        exitCodeList = {"0:always"})
final class VersionCommand implements Callable<Integer> {

    /** The manifest entry the build fills with the git commit (pom.xml, maven-shade-plugin). */
    static final String GIT_COMMIT = "Git-Commit";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (String line : lines()) out.println(line);
        out.flush();
        return 0;
    }

    static String[] lines() {
        Manifest manifest = ownManifest();
        String version = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.IMPLEMENTATION_VERSION);
        String commit = manifest == null ? null : manifest.getMainAttributes().getValue(GIT_COMMIT);
        String first = version == null
                ? "presence-sync (development build: run from classes, not from the jar, so no version)"
                : "presence-sync " + version + (commit == null || commit.isBlank() || commit.equals("unknown") ? "" : " (git " + commit + ")");
        String java = "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ", "
                + System.getProperty("java.vendor") + "), " + System.getProperty("os.name") + " " + System.getProperty("os.arch");
        return new String[] {first, java};
    }

    /** The manifest of the jar this class was loaded from; null when it was loaded from a directory. */
    private static Manifest ownManifest() {
        CodeSource code = VersionCommand.class.getProtectionDomain().getCodeSource();
        if (code == null || code.getLocation() == null) return null;
        try {
            Path source = Path.of(code.getLocation().toURI());
            if (!Files.isRegularFile(source)) return null;
            try (JarFile jar = new JarFile(source.toFile())) {
                return jar.getManifest();
            }
        } catch (IOException | URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }
}
