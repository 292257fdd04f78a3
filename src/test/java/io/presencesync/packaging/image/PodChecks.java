package io.presencesync.packaging.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.presencesync.adapter.demo.DemoGraphSimulator;
import org.awaitility.Awaitility;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static io.presencesync.packaging.image.ImageCheck.seconds;

/**
 * The chart's pod under podman: started from the rendered manifests against the demo Graph
 * simulator (trusted, as an admin trusts a TLS-inspecting proxy, through a truststore mounted with
 * extraVolumes and named in jvm.extraOptions), probed as the kubelet would, stopped with SIGTERM.
 */
final class PodChecks {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private PodChecks() {}

    static void single(ImageCheck check, String image) throws IOException {
        check.info("pod: the chart rendered by the Helm engine, started with podman kube play; differences from a cluster:");
        ChartPod.DEVIATIONS.forEach(d -> check.info("  - " + d));
        try (DemoGraphSimulator graph = DemoGraphSimulator.start(Clock.systemUTC())) {
            ObjectNode values = values(check, image, graph, freePort());
            values.withObject("/config").putArray("publishers").addObject().put("type", "embedded").put("log", true);
            // The API's token as an admin gives it: a Secret of their own, named by apiTokens.existingSecret.
            String token = java.util.HexFormat.of().formatHex(java.security.SecureRandom.getSeed(32));
            ObjectNode api = values.withObject("/config/api");
            int apiPort = api.get("port").asInt();
            api.putArray("tokens").addObject().put("name", "pod-check").put("file", "/var/run/secrets/presence-sync-tokens/pod-check")
                    .putArray("scopes").add("read");
            values.putObject("apiTokens").put("existingSecret", "ps-single-api-tokens");
            String tokenSecret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ps-single-api-tokens\n  namespace: presence-sync\ntype: Opaque\n"
                    + "data:\n  pod-check: " + java.util.Base64.getEncoder().encodeToString((token + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "\n";
            ChartPod pod = ChartPod.render(ImageCheck.CHART, "ps-single", YAML.writeValueAsString(values), tokenSecret, check.work());
            Pods pods = new Pods(check);
            try {
                if (!check.check("the chart's pod starts under podman kube play", () -> pods.play(pod))) return;
                if (!check.check("/healthz and /readyz answer as the probes ask", () -> pods.awaitReady(pod, "ready"))) return;
                check.check("the service runs as uid/gid 10001 without capabilities or new privileges",
                        () -> pods.processIdentity(pod));
                check.check("the root file system is read-only and nothing was written outside /tmp", () -> pods.writes(pod));
                check.check("the store API refuses a request without a token", () -> refusedWithoutToken(apiPort));
                check.check("the presences reach the store through the pod", () -> presences(apiPort, token, graph));
                check.check("every log line is JSON", () -> pods.jsonLogs(pod));
                check.check("SIGTERM stops it within terminationGracePeriodSeconds", () -> pods.stop(pod));
            } finally {
                pods.remove(pod);
            }
        }
    }

    static void clustered(ImageCheck check, String image) throws IOException {
        check.info("cluster: two pods of the image on this machine's PostgreSQL and Redis");
        try (DemoGraphSimulator graph = DemoGraphSimulator.start(Clock.systemUTC());
             ClusterDatabase db = ClusterDatabase.create()) {
            List<ChartPod> pods = new ArrayList<>();
            for (String release : List.of("ps-a", "ps-b")) {
                ObjectNode values = values(check, image, graph, freePort());
                ObjectNode config = values.withObject("/config");
                config.putObject("cluster").put("jdbcUrl", db.jdbcUrl()).put("username", db.user()).put("checkinInterval", "2s");
                config.putArray("publishers").addObject().put("type", "redis").put("uri", "redis://127.0.0.1:6379")
                        .put("keyPrefix", db.name() + ":");
                config.withObject("/sync").put("unitSize", 5);
                pods.add(ChartPod.render(ImageCheck.CHART, release, YAML.writeValueAsString(values), check.work()));
            }
            Pods podman = new Pods(check);
            try {
                boolean started = check.check("both pods start and become ready on one PostgreSQL", () -> {
                    for (ChartPod p : pods) podman.play(p);
                    StringBuilder seen = new StringBuilder();
                    for (ChartPod p : pods) seen.append(p.release()).append(' ').append(podman.awaitReady(p, "ready")).append("; ");
                    int nodes = db.awaitNodes(2, Duration.ofSeconds(60));
                    return seen.append(nodes).append(" scheduler instances checked in").toString();
                });
                if (started) check.check("after kill -9 of one pod the other runs every unit", () -> takeover(check, podman, pods, db));
            } finally {
                for (ChartPod p : pods) podman.remove(p);
                db.dropRedisKeys();
            }
        }
    }

    private static String takeover(ImageCheck check, Pods podman, List<ChartPod> pods, ClusterDatabase db) throws Exception {
        int units = db.awaitUnits(5, Duration.ofSeconds(90));
        ChartPod victim = pods.get(0), survivor = pods.get(1);
        long killed = System.nanoTime();
        podman.kill(victim);
        int left = db.awaitNodes(1, Duration.ofSeconds(60));
        double released = (System.nanoTime() - killed) / 1e9;
        // Every unit's row is rewritten by each run: a new row version after this point is a run by the survivor.
        var before = db.unitVersions();
        db.awaitAllUnitsRewritten(before, Duration.ofSeconds(60));
        double served = (System.nanoTime() - killed) / 1e9;
        String ready = podman.awaitReady(survivor, "still ready");
        check.figure("takeover", String.format(Locale.ROOT, "%.1f s", served));
        return String.format(Locale.ROOT, "%d units; %s killed, its scheduler instance released after %.1f s (%d left), "
                + "every unit run again by %s %.1f s after the kill; %s %s", units, victim.release(), released, left,
                survivor.release(), served, survivor.release(), ready);
    }

    /** Values for the demo tenant of the simulator, with its truststore mounted as an admin would mount a proxy's CA. */
    private static ObjectNode values(ImageCheck check, String image, DemoGraphSimulator graph, int port) throws IOException {
        Path tls = Files.createDirectories(check.work().resolve("tls"));
        Path trustStore = Files.copy(graph.trustStore(), tls.resolve("truststore.p12"), StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(trustStore, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(tls, PosixFilePermissions.fromString("rwxr-xr-x"));
        int colon = image.lastIndexOf(':');
        ObjectNode v = YAML.createObjectNode();
        v.putObject("image").put("repository", image.substring(0, colon)).put("tag", image.substring(colon + 1)).put("pullPolicy", "Never");
        ObjectNode config = v.putObject("config");
        ObjectNode tenant = config.putArray("tenants").addObject().put("name", "demo").put("tenantId", graph.tenantId())
                .put("clientId", graph.clientId()).put("graphBaseUrl", graph.graphBaseUrl()).put("authorityHost", graph.authorityHost());
        tenant.putObject("credential").put("type", "clientSecret").put("secretFile", "/var/run/secrets/presence-sync/demo-client-secret");
        ArrayNode users = tenant.putArray("users");
        graph.userPrincipalNames().forEach(users::add);
        config.putObject("sync").put("calendarPollInterval", "10s").put("callStatePollInterval", "5s");
        config.putObject("management").put("port", port);
        config.putObject("api").put("port", freePort()); // the host network: each pod needs a free API port of its own
        v.putObject("credentials").putObject("files").put("demo-client-secret", graph.clientSecret());
        ArrayNode jvm = v.putObject("jvm").putArray("extraOptions");
        jvm.add("-Djavax.net.ssl.trustStore=/etc/presence-sync-tls/truststore.p12")
                .add("-Djavax.net.ssl.trustStorePassword=" + new String(graph.trustStorePassword())).add("-Djavax.net.ssl.trustStoreType=PKCS12");
        v.putArray("extraVolumes").addObject().put("name", "tls").putObject("hostPath").put("path", tls.toAbsolutePath().toString())
                .put("type", "Directory");
        v.putArray("extraVolumeMounts").addObject().put("name", "tls").put("mountPath", "/etc/presence-sync-tls").put("readOnly", true);
        return v;
    }

    private static String refusedWithoutToken(int apiPort) throws IOException, InterruptedException {
        HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/api/presences"))
                .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
        if (refused.statusCode() != 401) throw new Podman.CheckFailed("GET /api/presences without a token answered " + refused.statusCode());
        return "401 without a token";
    }

    private static String presences(int apiPort, String token, DemoGraphSimulator graph) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/api/presences?tenant=demo&limit=100"))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(3)).build();
        JsonNode items = Awaitility.await("an event presence in the store").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> ImageCheck.json(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body()).path("items"),
                        list -> withEvent(list) > 0);
        return items.size() + " users in the store, " + withEvent(items) + " of them BUSY or AWAY by an event; the simulator answered "
                + graph.requestCount(DemoGraphSimulator.Endpoint.GET_SCHEDULE) + " getSchedule request(s) over the mounted truststore; "
                + "read with a token from the admin's Secret";
    }

    private static int withEvent(JsonNode items) {
        int n = 0;
        for (JsonNode p : items) if (!p.path("event").path("state").asText("NONE").equals("NONE")) n++;
        return n;
    }

    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(3)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
