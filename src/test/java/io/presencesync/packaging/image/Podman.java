package io.presencesync.packaging.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The podman (and other) command lines the image check runs, with their output captured. */
final class Podman {

    record Result(List<String> command, int exit, String out, String err) {
        boolean ok() { return exit == 0; }

        /** The command and what it printed, for a failure message. */
        String describe() {
            return String.join(" ", command) + " → exit " + exit + (out.isBlank() ? "" : "\nstdout: " + tail(out))
                    + (err.isBlank() ? "" : "\nstderr: " + tail(err));
        }

        private static String tail(String text) {
            return text.length() <= 2000 ? text.strip() : "…" + text.substring(text.length() - 2000).strip();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path work;

    Podman(Path work) {
        this.work = work;
    }

    Result podman(Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(List.of(args));
        return exec(timeout, command);
    }

    /** Runs podman and fails the check with its output when it does not exit 0. */
    Result podmanOrFail(Duration timeout, String... args) {
        Result r = podman(timeout, args);
        if (!r.ok()) throw new CheckFailed(r.describe());
        return r;
    }

    JsonNode json(String... args) {
        try {
            return JSON.readTree(podmanOrFail(Duration.ofMinutes(1), args).out());
        } catch (IOException e) {
            throw new CheckFailed("podman " + String.join(" ", args) + " printed no JSON: " + e.getMessage());
        }
    }

    Result exec(Duration timeout, List<String> command) {
        try {
            Path out = Files.createTempFile(work, "out-", ".txt");
            Path err = Files.createTempFile(work, "err-", ".txt");
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                throw new CheckFailed(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s");
            }
            Result r = new Result(command, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CheckFailed("interrupted while running " + command);
        }
    }

    /** A check that did not hold; its message says what was seen. */
    static final class CheckFailed extends RuntimeException {
        CheckFailed(String message) {
            super(message);
        }
    }
}
