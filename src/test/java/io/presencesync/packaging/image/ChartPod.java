package io.presencesync.packaging.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.marcnuri.helm.Helm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The chart's pod as {@code podman kube play} can start it: {@code helm template} through the real
 * Helm engine (helm-java), then only the changes podman needs, each named in {@link #DEVIATIONS}.
 * Everything else (command, args, env, probes, security contexts, volumes, mounts, grace period)
 * is the rendered Deployment's.
 */
record ChartPod(String release, String yaml, String podName, String containerName, String startupPath,
                String readinessPath, int port, int terminationGraceSeconds) {

    /** What differs from a Kubernetes node, and why. */
    static final List<String> DEVIATIONS = List.of(
            "the pod uses the host network (no pod network or Service here; the probes reach it on 127.0.0.1)",
            "the chart's Secret is mounted as a ConfigMap with the same files and mode (podman 4.3 crashes on secret volumes)",
            "the Deployment runs as one Pod (podman 4.3 has no controller for replicas or rollouts)",
            "the container's ports are left out (with the host network they would become host port mappings, which podman refuses)");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    static ChartPod render(Path chart, String release, String valuesYaml, Path work) {
        return render(chart, release, valuesYaml, "", work);
    }

    /** @param adminManifests objects the admin created beside the release (e.g. the Secret an {@code existingSecret} names) */
    static ChartPod render(Path chart, String release, String valuesYaml, String adminManifests, Path work) {
        try {
            Path values = Files.writeString(work.resolve(release + "-values.yaml"), valuesYaml);
            String manifests = new Helm(chart).template().withName(release).withNamespace("presence-sync")
                    .withKubeVersion("1.31.0").withValuesFile(values).call() + "\n---\n" + adminManifests;
            Files.writeString(work.resolve(release + "-rendered.yaml"), manifests);
            return adapt(release, manifests);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ChartPod adapt(String release, String manifests) throws IOException {
        List<String> out = new ArrayList<>();
        ObjectNode deployment = null;
        for (String document : manifests.split("(?m)^---\\s*$")) {
            JsonNode node = YAML.readTree(document);
            if (node == null || !node.has("kind")) continue;
            switch (node.get("kind").asText()) {
                case "ConfigMap" -> out.add(YAML.writeValueAsString(node));
                case "Secret" -> out.add(YAML.writeValueAsString(secretAsConfigMap((ObjectNode) node)));
                case "Deployment" -> deployment = (ObjectNode) node;
                default -> { } // Service, ServiceAccount, NetworkPolicy, PDB, tests: nothing podman runs
            }
        }
        if (deployment == null) throw new Podman.CheckFailed("the chart rendered no Deployment");
        ObjectNode template = (ObjectNode) deployment.get("spec").get("template");
        ObjectNode spec = (ObjectNode) template.get("spec");
        spec.put("hostNetwork", true);
        for (JsonNode volume : spec.withArray("volumes")) {
            if (volume.has("secret")) {
                ObjectNode v = (ObjectNode) volume;
                JsonNode secret = v.remove("secret");
                ObjectNode configMap = v.putObject("configMap").put("name", secret.get("secretName").asText());
                if (secret.has("defaultMode")) configMap.set("defaultMode", secret.get("defaultMode"));
            }
        }
        ObjectNode container = (ObjectNode) spec.get("containers").get(0);
        int port = -1;
        for (JsonNode p : container.get("ports")) if (p.get("name").asText().equals("http")) port = p.get("containerPort").asInt();
        container.remove("ports");
        // The probes name the port "http"; without the ports list they name its number.
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            ((ObjectNode) container.get(probe).get("httpGet")).put("port", port);
        }
        String podName = deployment.get("metadata").get("name").asText();
        ObjectNode pod = YAML.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", podName).set("labels", template.get("metadata").get("labels"));
        pod.set("spec", spec);
        out.add(YAML.writeValueAsString(pod));

        return new ChartPod(release, String.join("---\n", out), podName, podName + "-" + container.get("name").asText(),
                container.get("startupProbe").get("httpGet").get("path").asText(),
                container.get("readinessProbe").get("httpGet").get("path").asText(), port,
                spec.get("terminationGracePeriodSeconds").asInt());
    }

    private static ObjectNode secretAsConfigMap(ObjectNode secret) {
        ObjectNode map = YAML.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
        map.set("metadata", secret.get("metadata"));
        ObjectNode data = map.putObject("data");
        secret.path("data").fields().forEachRemaining(e ->
                data.put(e.getKey(), new String(Base64.getDecoder().decode(e.getValue().asText()), StandardCharsets.UTF_8)));
        secret.path("stringData").fields().forEachRemaining(e -> data.set(e.getKey(), e.getValue()));
        return map;
    }
}
