package io.presencesync.packaging.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.presencesync.adapter.publisher.ChangeLine;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static io.presencesync.packaging.image.ImageCheck.seconds;

/** Starting, probing, stopping and removing chart pods with podman, and what their process really is. */
final class Pods {

    /** Files podman itself puts into every container (name resolution, its marker): not the service's writes. */
    private static final Set<String> PODMAN_OWN = Set.of("/etc", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf", "/etc/passwd",
            "/etc/group", "/run", "/run/.containerenv", "/run/secrets");

    private final ImageCheck check;
    private final Podman podman;

    Pods(ImageCheck check) {
        this.check = check;
        this.podman = check.podman();
    }

    String play(ChartPod pod) throws Exception {
        Path file = check.work().resolve(pod.release() + "-pod.yaml");
        Files.writeString(file, pod.yaml());
        podman.podmanOrFail(seconds(120), "kube", "play", "--replace", file.toString());
        return "pod " + pod.podName() + ", container " + pod.containerName() + " (" + file + ")";
    }

    /** Polls the startup probe's path, then the readiness probe's, as the kubelet would; 60 s at most. */
    String awaitReady(ChartPod pod, String what) {
        long start = System.nanoTime();
        AtomicReference<String> last = new AtomicReference<>("no answer");
        try {
            for (String path : List.of(pod.startupPath(), pod.readinessPath())) {
                Awaitility.await(what).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
                    try {
                        var r = PodChecks.get(pod.port(), path);
                        last.set(path + " → " + r.statusCode() + " " + r.body().strip());
                        return r.statusCode() == 200;
                    } catch (IOException e) {
                        last.set(path + " → " + e);
                        return false;
                    }
                });
            }
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("not " + what + " within 60 s: " + last.get() + "\n" + logTail(pod));
        }
        return String.format(Locale.ROOT, "%s after %.1f s (%s)", what, (System.nanoTime() - start) / 1e9, last.get());
    }

    /** The kernel's view of the container's main process: its ids, capabilities and no_new_privs. */
    String processIdentity(ChartPod pod) throws Exception {
        String pid = podman.podmanOrFail(seconds(30), "inspect", "--format", "{{.State.Pid}}", pod.containerName()).out().strip();
        List<String> status = Files.readAllLines(Path.of("/proc", pid, "status"));
        String uid = field(status, "Uid"), gid = field(status, "Gid"), capEff = field(status, "CapEff"), nnp = field(status, "NoNewPrivs");
        if (!uid.matches("10001(\\s+10001){3}")) throw new AssertionError("Uid " + uid);
        if (!gid.matches("10001(\\s+10001){3}")) throw new AssertionError("Gid " + gid);
        if (!capEff.matches("0+")) throw new AssertionError("effective capabilities " + capEff);
        if (!nnp.equals("1")) throw new AssertionError("NoNewPrivs " + nnp);
        return "Uid " + uid.replaceAll("\\s+", "/") + ", Gid " + gid.replaceAll("\\s+", "/") + ", CapEff " + capEff + ", NoNewPrivs " + nnp;
    }

    String writes(ChartPod pod) throws Exception {
        JsonNode inspect = podman.json("inspect", pod.containerName()).get(0);
        if (!inspect.path("HostConfig").path("ReadonlyRootfs").asBoolean()) throw new AssertionError("root file system is writable");
        // podman creates the mount points it needs (and their parents) in the container's layer.
        List<String> mountPoints = new ArrayList<>();
        // /var/run is a link to /run in the image: podman diff names the mount points under /run.
        inspect.path("Mounts").forEach(m -> mountPoints.add(m.path("Destination").asText().replaceFirst("^/var/run/", "/run/")));
        List<String> changed = new ArrayList<>();
        for (String line : podman.podmanOrFail(seconds(30), "diff", pod.containerName()).out().lines().toList()) {
            String path = line.length() > 2 ? line.substring(2).strip() : line;
            boolean mountPoint = mountPoints.stream().anyMatch(m -> m.equals(path) || m.startsWith(path + "/"));
            if (!PODMAN_OWN.contains(path) && !mountPoint && !path.equals("/tmp") && !path.startsWith("/tmp/")) changed.add(line);
        }
        if (!changed.isEmpty()) throw new AssertionError("changed outside /tmp: " + changed);
        String logs = logs(pod);
        if (logs.contains("Read-only file system")) throw new AssertionError("a write was refused:\n" + logTail(pod));
        return "ReadonlyRootfs true; podman diff shows only podman's own files and the mount points; no refused write in the log";
    }

    String jsonLogs(ChartPod pod) {
        List<String> lines = logs(pod).lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) throw new AssertionError("no log lines");
        for (String line : lines) {
            JsonNode json;
            try {
                json = ImageCheck.json(line);
            } catch (Podman.CheckFailed e) {
                throw new AssertionError("not JSON: " + line);
            }
            for (String field : List.of("timestamp", "level", "logger", "message")) {
                if (!json.has(field)) throw new AssertionError("no '" + field + "' in " + line);
            }
        }
        long changes = lines.stream().filter(l -> l.contains("\"logger\":\"" + ChangeLine.LOGGER + "\"")).count();
        if (changes == 0) throw new AssertionError("no presence change among the log lines (embedded publisher with log: true)");
        return lines.size() + " lines, each a JSON object with timestamp, level, logger and message; " + changes + " of them presence changes";
    }

    String stop(ChartPod pod) {
        long start = System.nanoTime();
        podman.podmanOrFail(seconds(pod.terminationGraceSeconds() + 30), "stop", "--time", String.valueOf(pod.terminationGraceSeconds()),
                pod.containerName());
        double took = (System.nanoTime() - start) / 1e9;
        int exit = Integer.parseInt(podman.podmanOrFail(seconds(30), "inspect", "--format", "{{.State.ExitCode}}", pod.containerName())
                .out().strip());
        if (exit != 143) throw new AssertionError("exit code " + exit + " after SIGTERM (expected 143)\n" + logTail(pod));
        if (took >= pod.terminationGraceSeconds()) throw new AssertionError(String.format(Locale.ROOT, "took %.1f s", took));
        check.figure("SIGTERM", String.format(Locale.ROOT, "exit 143 in %.1f s", took));
        return String.format(Locale.ROOT, "exit 143 after %.1f s (grace %d s)", took, pod.terminationGraceSeconds());
    }

    void kill(ChartPod pod) {
        podman.podmanOrFail(seconds(30), "kill", "--signal", "KILL", pod.containerName());
    }

    /** Removes the pod and the volumes kube play made for it (its ConfigMaps' and emptyDirs' outlive the pod). */
    void remove(ChartPod pod) {
        List<String> volumes = new ArrayList<>();
        Podman.Result inspect = podman.podman(seconds(30), "inspect", pod.containerName());
        if (inspect.ok()) ImageCheck.json(inspect.out()).path(0).path("Mounts").forEach(m -> {
            if (m.path("Type").asText().equals("volume")) volumes.add(m.path("Name").asText());
        });
        podman.podman(seconds(60), "pod", "rm", "--force", "--time", "5", pod.podName());
        for (String volume : volumes) podman.podman(seconds(30), "volume", "rm", "--force", volume);
    }

    private String logs(ChartPod pod) {
        Podman.Result r = podman.podman(seconds(30), "logs", pod.containerName());
        return r.out() + r.err();
    }

    private String logTail(ChartPod pod) {
        List<String> lines = logs(pod).lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }

    private static String field(List<String> status, String name) {
        return status.stream().filter(l -> l.startsWith(name + ":")).findFirst()
                .map(l -> l.substring(name.length() + 1).strip()).orElseThrow(() -> new AssertionError("no " + name + " in /proc status"));
    }
}
