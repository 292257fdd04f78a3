package io.presencesync.adapter.scheduling;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Cluster nodes in processes of their own ({@link ClusterNode}) and every line they report, for the process-level tests. */
final class ClusterNodes implements AutoCloseable {

    /** A PUBLISH line: which node published what for whom, with which version, when. */
    record Publish(String node, String tenant, String user, String state, long since, long version, long at) {}

    final List<String> lines = new CopyOnWriteArrayList<>();
    /** When this JVM read each PUBLISH line (its own clock: a node's may be off). */
    final java.util.Map<String, Long> publishReadAt = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Process> nodes = new ArrayList<>();

    /** A node running {@code script}, and the tenants named in {@code moreTenants} scripted alike, whose calendar polls take {@code pollMillis}. */
    Process start(String node, String jdbcUrl, ScriptedTenant script, long pollMillis, String... moreTenants) throws IOException {
        return start(List.of(), node, jdbcUrl, script, pollMillis, moreTenants);
    }

    /** @param prefix what the node's command starts with (e.g. faketime and its offset), then JVM options ({@code -D…}) */
    Process start(List<String> prefix, String node, String jdbcUrl, ScriptedTenant script, long pollMillis, String... moreTenants) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(prefix.stream().filter(a -> !a.startsWith("-D")).toList());
        command.addAll(List.of(java, "-Xmx256m"));
        command.addAll(prefix.stream().filter(a -> a.startsWith("-D")).toList());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ClusterNode.class.getName(),
                node, jdbcUrl, String.valueOf(script.users()), String.valueOf(script.firstStart().toEpochMilli()),
                String.valueOf(script.firstEnd().toEpochMilli()), String.valueOf(pollMillis)));
        if (moreTenants.length > 0) command.add(String.join(",", moreTenants));
        ProcessBuilder builder = new ProcessBuilder(command);
        // Under faketime: the JVM's timers keep real time, only its clock is off. libfaketime 0.9.10 (Debian 12) reads only the
        // FAKETIME_ name; without it the monotonic clock was faked too, and the JVM's timed waits went astray.
        builder.environment().put("FAKETIME_DONT_FAKE_MONOTONIC", "1");
        builder.environment().put("DONT_FAKE_MONOTONIC", "1"); // the name before libfaketime 0.9.8
        Process p = builder.redirectError(Path.of("target", "cluster-node-" + node + ".log").toFile()).start();
        nodes.add(p);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("PUBLISH ")) publishReadAt.put(line, System.currentTimeMillis());
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the node was killed
            }
        }, "node-" + node);
        reader.setDaemon(true);
        reader.start();
        return p;
    }

    void awaitLine(String line, Duration timeout) {
        await("'" + line + "' from a node").atMost(timeout).untilAsserted(() -> assertThat(lines).contains(line));
    }

    List<Publish> publishes() {
        return lines.stream().filter(l -> l.startsWith("PUBLISH ")).map(l -> l.split(" "))
                .map(f -> new Publish(f[1], f[f.length - 1].substring("tenant=".length()), f[2], f[3], Long.parseLong(f[4]),
                        Long.parseLong(f[5]), Long.parseLong(f[6]))).toList();
    }

    @Override
    public void close() throws InterruptedException {
        for (Process node : nodes) {
            // A node started through a wrapper (faketime forks the JVM) is the wrapper's child: it goes first.
            node.descendants().forEach(ProcessHandle::destroyForcibly);
            node.destroyForcibly().waitFor();
        }
    }
}
