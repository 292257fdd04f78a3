package io.presencesync.packaging;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.presencesync.adapter.config.AppConfig;
import io.presencesync.adapter.config.ClusterConfig;
import io.presencesync.adapter.config.ConfigException;
import io.presencesync.adapter.config.ConfigLoader;
import io.presencesync.adapter.config.CredentialConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Helm chart in helm/presence-sync, run through the real Helm engine (helm-java, offline): lint,
 * render, parse as Kubernetes objects, and feed the rendered configuration to the application's own
 * validation.
 */
class HelmChartIT {

    private static final Path CHART = Path.of("helm/presence-sync");
    private static final KubernetesSerialization KUBERNETES = new KubernetesSerialization();

    private static final String CLUSTERED = """
            replicaCount: 3
            config:
              tenants:
                - name: contoso
                  tenantId: 11111111-2222-3333-4444-555555555555
                  clientId: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee
                  credential:
                    type: clientSecret
                    secretFile: /var/run/secrets/presence-sync/contoso-client-secret
                  users: [anna.schmidt@contoso.com]
              management: {port: 9090}
              publishers:
                - {type: redis, uri: "redis://redis.presence.svc:6379/0"}
              cluster:
                jdbcUrl: jdbc:postgresql://postgres.db.svc:5433/presence_sync
                username: presence_sync
                passwordFile: /var/run/secrets/presence-sync/postgres-password
                checkinInterval: 5s
            credentials:
              files:
                contoso-client-secret: the-client-secret
                postgres-password: the-database-password
            podDisruptionBudget: {enabled: true, minAvailable: 2}
            serviceMonitor: {enabled: true, labels: {release: prometheus}}
            networkPolicy:
              enabled: true
              ingressFrom:
                - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}
              databaseTo:
                - podSelector: {matchLabels: {app: postgres}}
            """;

    /** A config.tenants entry with its secret in an environment variable (no Secret needed to render). */
    private static final String CONTOSO_WITH_SECRET_ENV = """
                - name: contoso
                  tenantId: 11111111-2222-3333-4444-555555555555
                  clientId: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee
                  credential: {type: clientSecret, secretEnv: CONTOSO_CLIENT_SECRET}
                  users: [anna.schmidt@contoso.com]\
            """;

    private static final String WORKLOAD_IDENTITY = """
            config:
              tenants:
                - name: contoso
                  tenantId: contoso.onmicrosoft.com
                  clientId: 0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9
                  credential: {type: workloadIdentity}
                  groups: [3c9d8e7f-1a2b-4c3d-8e9f-0a1b2c3d4e5f]
            workloadIdentity: {enabled: true}
            """;

    @TempDir
    Path temp;

    @Test
    void strictLintPasses() {
        LintResult lint = new Helm(CHART).lint().strict().call();

        assertThat(lint.isFailed()).as("helm lint --strict:%n%s", String.join("\n", lint.getMessages())).isFalse();
        assertThat(lint.getMessages()).noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
    }

    /** What {@code helm show readme} shows is the chart's README (ChartReadmeTest checks its values table). */
    @Test
    void thePackagedChartShipsItsReadme() throws IOException {
        new Helm(CHART).packageIt().withDestination(temp).call();
        Path packaged;
        try (var files = Files.list(temp)) {
            packaged = files.filter(p -> p.toString().endsWith(".tgz")).findFirst().orElseThrow();
        }

        assertThat(Helm.show(packaged.toString()).readme().call()).as("helm show readme of %s (.helmignore keeps README.md)", packaged)
                .isEqualToIgnoringNewLines(Files.readString(CHART.resolve("README.md")));
    }

    @Test
    void defaultValuesRenderOneHardenedPodWithProbesAndItsConfiguration() {
        Map<String, HasMetadata> objects = render(null);

        assertThat(objects.keySet()).containsExactlyInAnyOrder(
                "ConfigMap/sync-presence-sync", "Service/sync-presence-sync", "ServiceAccount/sync-presence-sync",
                "Deployment/sync-presence-sync");
        Deployment deployment = (Deployment) objects.get("Deployment/sync-presence-sync");
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
        assertThat(deployment.getSpec().getStrategy().getType()).as("never two single nodes at once").isEqualTo("Recreate");

        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        Container container = pod.getContainers().get(0);
        assertThat(container.getImage()).isEqualTo("presence-sync:0.1.0");
        assertThat(container.getArgs()).containsExactly("run", "--config", "/etc/presence-sync/presence-sync.yaml");
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");

        assertThat(container.getPorts()).extracting(p -> p.getName() + "=" + p.getContainerPort())
                .as("probes and metrics on one port, the status page and the store API on another").containsExactly("http=8080", "api=8081");
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(container.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
        assertThat(container.getStartupProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");

        assertThat(container.getResources().getLimits()).containsKey("memory");
        assertThat(env(container)).containsEntry("PRESENCE_SYNC_LOG_FORMAT", "json")
                .as("the JVM would print 'Picked up JAVA_TOOL_OPTIONS' ahead of the JSON logs").doesNotContainKey("JAVA_TOOL_OPTIONS");
        assertThat(container.getCommand()).containsExactly("java", "-XX:MaxRAMPercentage=65", "-XX:+ExitOnOutOfMemoryError",
                "-jar", "/app/presence-sync.jar");

        assertThat(mounts(container)).containsOnlyKeys("/etc/presence-sync", "/tmp");
        assertThat(mount(container, "/etc/presence-sync").getReadOnly()).isTrue();
        assertThat(pod.getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo(mount(container, "/tmp").getName());
            assertThat(v.getEmptyDir()).isNotNull();
        });
        assertThat(pod.getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo(mount(container, "/etc/presence-sync").getName());
            assertThat(v.getConfigMap().getName()).isEqualTo("sync-presence-sync");
        });
        assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations()).containsKey("checksum/config");

        Service service = (Service) objects.get("Service/sync-presence-sync");
        assertThat(service.getSpec().getSelector()).isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
        assertThat(service.getSpec().getPorts()).extracting(p -> p.getName() + "=" + p.getPort() + "→" + p.getTargetPort().getStrVal())
                .containsExactly("http=8080→http", "api=8081→api");
    }

    @Test
    void defaultConfigurationPassesTheApplicationsValidationOnceItsSecretExists() throws IOException {
        Map<String, HasMetadata> objects = render(null, "credentials.files.contoso-client-secret", "the-client-secret");

        AppConfig config = validate(objects, Map.of());

        assertThat(config.tenants()).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("contoso");
            assertThat(t.credential()).isInstanceOf(CredentialConfig.ClientSecret.class);
        });
        assertThat(config.management().port()).isEqualTo(8080);
        assertThat(config.cluster()).isEmpty();
    }

    @Test
    void theRenderedConfigurationIsRefusedByTheApplicationWhenTheSecretIsMissing() throws IOException {
        Map<String, HasMetadata> objects = render(null);

        assertThat(objects).doesNotContainKey("Secret/sync-presence-sync-credentials");
        Path file = temp.resolve("presence-sync.yaml");
        Files.writeString(file, configMapYaml(objects));
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).read(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("tenants[0].credential.secretFile")
                .hasMessageContaining("file not found: /var/run/secrets/presence-sync/contoso-client-secret");
    }

    @Test
    void clusteredModeRendersThreeReplicasWithBudgetMonitorAndNetworkPolicy() throws IOException {
        Map<String, HasMetadata> objects = render(CLUSTERED);

        Deployment deployment = (Deployment) objects.get("Deployment/sync-presence-sync");
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
        assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
        assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsKeys("checksum/config", "checksum/credentials");
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getPorts().get(0).getContainerPort()).as("config.management.port").isEqualTo(9090);
        VolumeMount credentials = mount(container, "/var/run/secrets/presence-sync");
        assertThat(credentials.getReadOnly()).isTrue();
        assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo(credentials.getName());
            assertThat(v.getSecret().getSecretName()).isEqualTo("sync-presence-sync-credentials");
            assertThat(v.getSecret().getDefaultMode()).isEqualTo(0440);
        });

        Secret secret = (Secret) objects.get("Secret/sync-presence-sync-credentials");
        assertThat(secret.getData()).containsOnlyKeys("contoso-client-secret", "postgres-password");

        PodDisruptionBudget budget = (PodDisruptionBudget) objects.get("PodDisruptionBudget/sync-presence-sync");
        assertThat(budget.getSpec().getMinAvailable().getIntVal()).isEqualTo(2);
        assertThat(budget.getSpec().getSelector().getMatchLabels()).isEqualTo(deployment.getSpec().getSelector().getMatchLabels());

        GenericKubernetesResource monitor = (GenericKubernetesResource) objects.get("ServiceMonitor/sync-presence-sync");
        assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
        assertThat(monitor.get("spec", "endpoints", 0, "path").toString()).isEqualTo("/metrics");
        assertThat(monitor.get("spec", "endpoints", 0, "port").toString()).isEqualTo("http");

        NetworkPolicy policy = (NetworkPolicy) objects.get("NetworkPolicy/sync-presence-sync");
        assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(policy.getSpec().getIngress()).hasSize(2);
        assertThat(policy.getSpec().getIngress().get(0)).satisfies(rule -> {
            assertThat(rule.getPorts()).extracting(p -> p.getPort().getStrVal()).containsExactly("http");
            assertThat(rule.getFrom()).as("the management port: only the monitoring namespace").hasSize(1);
        });
        assertThat(policy.getSpec().getIngress().get(1).getPorts()).extracting(p -> p.getPort().getStrVal()).containsExactly("api");
        assertThat(egressPorts(policy)).containsExactlyInAnyOrder("53/UDP", "53/TCP", "443/TCP", "5433/TCP", "6379/TCP");
        assertThat(policy.getSpec().getEgress()).anySatisfy(rule -> {
            assertThat(rule.getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(5433);
            assertThat(rule.getTo()).singleElement()
                    .satisfies(peer -> assertThat(peer.getPodSelector().getMatchLabels()).containsEntry("app", "postgres"));
        });

        AppConfig config = validate(objects, Map.of());
        ClusterConfig cluster = config.cluster().orElseThrow();
        assertThat(cluster.jdbcUrl()).isEqualTo("jdbc:postgresql://postgres.db.svc:5433/presence_sync");
        assertThat(Files.readString(cluster.password().file())).isEqualTo("the-database-password");
        assertThat(config.management().port()).isEqualTo(9090);
    }

    @Test
    void workloadIdentityLabelsThePodAndAnnotatesItsServiceAccount() throws IOException {
        Map<String, HasMetadata> objects = render(WORKLOAD_IDENTITY);

        Deployment deployment = (Deployment) objects.get("Deployment/sync-presence-sync");
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("azure.workload.identity/use", "true");
        assertThat(deployment.getMetadata().getLabels()).as("the pod, not the Deployment")
                .doesNotContainKey("azure.workload.identity/use");
        ServiceAccount account = (ServiceAccount) objects.get("ServiceAccount/sync-presence-sync");
        assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName()).isEqualTo("sync-presence-sync");
        assertThat(account.getMetadata().getAnnotations())
                .containsEntry("azure.workload.identity/client-id", "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9");
        assertThat(mounts(deployment.getSpec().getTemplate().getSpec().getContainers().get(0)))
                .as("no Secret needed").containsOnlyKeys("/etc/presence-sync", "/tmp");

        Path token = Files.writeString(temp.resolve("azure-identity-token"), "eyJ.projected.token");
        AppConfig config = validate(objects, Map.of("AZURE_FEDERATED_TOKEN_FILE", token.toString()));
        assertThat(config.tenants().get(0).credential()).isEqualTo(new CredentialConfig.WorkloadIdentity(token));
    }

    @Test
    void anExplicitWorkloadIdentityClientIdWinsOverTheTenants() {
        Map<String, HasMetadata> objects = render(WORKLOAD_IDENTITY,
                "workloadIdentity.clientId", "99999999-8888-7777-6666-555555555555");

        assertThat(objects.get("ServiceAccount/sync-presence-sync").getMetadata().getAnnotations())
                .containsEntry("azure.workload.identity/client-id", "99999999-8888-7777-6666-555555555555");
    }

    @Test
    void aConfigurationChangeRollsThePods() {
        String before = podAnnotations(render(null)).get("checksum/config");
        String after = podAnnotations(render(null, "config.sync.calendarPollInterval", "2m")).get("checksum/config");

        assertThat(before).hasSize(64);
        assertThat(after).hasSize(64).isNotEqualTo(before);
    }

    @Test
    void networkPolicyOpensThePortsOfThePresenceStores() {
        Map<String, HasMetadata> objects = render("""
                config:
                  tenants:
                %s
                  publishers:
                    - {type: redis, uri: "redis://redis.uc.svc:6380"}
                    - {type: http, url: "https://ucserver.example.com/presence"}
                    - {type: embedded}
                networkPolicy: {enabled: true}
                """.formatted(CONTOSO_WITH_SECRET_ENV));

        NetworkPolicy policy = (NetworkPolicy) objects.get("NetworkPolicy/sync-presence-sync");
        assertThat(egressPorts(policy)).containsExactlyInAnyOrder("53/UDP", "53/TCP", "443/TCP", "6380/TCP", "443/TCP");
        assertThat(policy.getSpec().getIngress()).extracting(rule -> rule.getPorts().get(0).getPort().getStrVal())
                .as("the management port and the API port, nothing else").containsExactly("http", "api");
        assertThat(policy.getSpec().getIngress()).allSatisfy(rule -> assertThat(rule.getFrom()).as("any source").isEmpty());
    }

    @Test
    void networkPolicyOpensTheSipServersPortsByTransportAndTheSchemaTakesTheSipPublisher() {
        Map<String, HasMetadata> objects = render("""
                config:
                  tenants:
                %s
                  publishers:
                    - {type: embedded}
                    - type: sip
                      name: kamailio
                      proxy: kamailio.uc.svc:5070
                      transport: tcp
                      presentity: "sip:{localpart}@uc.example.com"
                      expires: 15m
                      noteLanguage: de
                      timeZone: Europe/Berlin
                      username: presence-sync
                      passwordFile: /var/run/secrets/presence-sync/sip-password
                    - {type: sip, name: opensips, proxy: 10.1.2.4}
                networkPolicy:
                  enabled: true
                  sipTo: [{ipBlock: {cidr: 10.1.2.0/24}}]
                """.formatted(CONTOSO_WITH_SECRET_ENV));

        NetworkPolicy policy = (NetworkPolicy) objects.get("NetworkPolicy/sync-presence-sync");
        assertThat(egressPorts(policy)).containsExactlyInAnyOrder("53/UDP", "53/TCP", "443/TCP", "5070/TCP", "5060/UDP");
        assertThat(policy.getSpec().getEgress()).filteredOn(rule -> rule.getPorts().get(0).getPort().getIntVal() == 5070)
                .singleElement().satisfies(rule -> assertThat(rule.getTo()).singleElement()
                        .satisfies(peer -> assertThat(peer.getIpBlock().getCidr()).isEqualTo("10.1.2.0/24")));
    }

    @Test
    void networkPolicyOpensTheXmppServersComponentPortAndTheSchemaTakesTheFederation() {
        Map<String, HasMetadata> objects = render("""
                config:
                  tenants:
                %s
                  publishers: [{type: embedded}]
                  federation:
                    xmpp:
                      host: xmpp.contoso.com
                      port: 5275
                      domain: presence.contoso.com
                      secretFile: /var/run/secrets/presence-sync/xmpp-component-secret
                      subscriptionPolicy: approveDomains
                      approvedDomains: [contoso.com]
                      subscribersFile: /var/lib/presence-sync/xmpp-subscribers.jsonl
                networkPolicy:
                  enabled: true
                  xmppTo: [{ipBlock: {cidr: 10.1.2.3/32}}]
                """.formatted(CONTOSO_WITH_SECRET_ENV));

        NetworkPolicy policy = (NetworkPolicy) objects.get("NetworkPolicy/sync-presence-sync");
        assertThat(egressPorts(policy)).containsExactlyInAnyOrder("53/UDP", "53/TCP", "443/TCP", "5275/TCP");
        assertThat(policy.getSpec().getEgress()).filteredOn(rule -> rule.getPorts().get(0).getPort().getIntVal() == 5275)
                .singleElement().satisfies(rule -> assertThat(rule.getTo()).singleElement()
                        .satisfies(peer -> assertThat(peer.getIpBlock().getCidr()).isEqualTo("10.1.2.3/32")));
    }

    @Test
    void theCommandIsTheImagesEntrypointWithTheChartsHeapShare() throws IOException {
        String entrypoint = Files.readAllLines(Path.of("Dockerfile")).stream().filter(l -> l.startsWith("ENTRYPOINT "))
                .findFirst().orElseThrow().substring("ENTRYPOINT ".length());
        List<String> image = List.of(new ObjectMapper().readValue(entrypoint, String[].class));

        Container container = container(render(null, "jvm.maxRAMPercentage", "50"));

        assertThat(container.getCommand()).isEqualTo(image.stream()
                .map(arg -> arg.startsWith("-XX:MaxRAMPercentage=") ? "-XX:MaxRAMPercentage=50" : arg).toList());
    }

    @Test
    void extraJvmOptionsBecomeOneArgumentEachBeforeTheJar() {
        Container fromString = container(render("""
                jvm:
                  extraOptions: "  -Djavax.net.ssl.trustStore=/etc/tls/ca.p12   -Dhttps.proxyHost=proxy.example.com\t-Xss512k "
                """));
        Container fromList = container(render("""
                jvm:
                  extraOptions: ["-Dhttp.nonProxyHosts=localhost|*.svc", "-Dapp.note=with a space"]
                """));

        assertThat(fromString.getCommand()).containsExactly("java", "-XX:MaxRAMPercentage=65", "-XX:+ExitOnOutOfMemoryError",
                "-Djavax.net.ssl.trustStore=/etc/tls/ca.p12", "-Dhttps.proxyHost=proxy.example.com", "-Xss512k",
                "-jar", "/app/presence-sync.jar");
        assertThat(fromList.getCommand()).containsExactly("java", "-XX:MaxRAMPercentage=65", "-XX:+ExitOnOutOfMemoryError",
                "-Dhttp.nonProxyHosts=localhost|*.svc", "-Dapp.note=with a space", "-jar", "/app/presence-sync.jar");
        assertThat(env(fromString)).doesNotContainKey("JAVA_TOOL_OPTIONS");
        assertThatThrownBy(() -> render("jvm: {extraOptions: '-Xss512k other.jar'}"))
                .as("a word that is not an option would end the JVM's options").hasMessageContaining("at '/jvm/extraOptions'");
        assertThatThrownBy(() -> render("jvm: {extraOptions: [Xss512k]}")).hasMessageContaining("at '/jvm/extraOptions'");
    }

    @Test
    void networkPolicyLetsAManagedIdentityReachTheInstanceMetadataService() {
        Map<String, HasMetadata> objects = render("""
                config:
                  tenants:
                %s
                    - name: fabrikam
                      tenantId: 0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9
                      clientId: 12345678-90ab-cdef-1234-567890abcdef
                      credential: {type: managedIdentity}
                      users: [dora@fabrikam.com]
                networkPolicy: {enabled: true}
                """.formatted(CONTOSO_WITH_SECRET_ENV));

        NetworkPolicy policy = (NetworkPolicy) objects.get("NetworkPolicy/sync-presence-sync");
        assertThat(egressPorts(policy)).containsExactlyInAnyOrder("53/UDP", "53/TCP", "443/TCP", "80/TCP");
        assertThat(policy.getSpec().getEgress()).anySatisfy(rule -> {
            assertThat(rule.getPorts()).extracting(HelmChartIT::portAndProtocol).containsExactly("80/TCP");
            assertThat(rule.getTo()).singleElement().satisfies(peer -> {
                assertThat(peer.getIpBlock().getCidr()).isEqualTo("169.254.169.254/32");
                assertThat(peer.getIpBlock().getExcept()).isNullOrEmpty();
            });
        });
        assertThat(egressPorts((NetworkPolicy) render(null, "networkPolicy.enabled", "true").get("NetworkPolicy/sync-presence-sync")))
                .as("no managed identity, no metadata service").doesNotContain("80/TCP");
    }

    @Test
    void theTestHookAsksTheServiceForReadinessWithoutJoiningTheDeployment() throws IOException {
        Path hookTemplate = CHART.resolve("templates/tests/test-readyz.yaml");
        assertThat(Files.readString(hookTemplate)).contains("    helm.sh/hook: test\n");
        // helm-java's template, like helm template --skip-tests, leaves hooks out: render a copy of
        // the chart in which the hook is an ordinary manifest.
        Path copy = temp.resolve("chart");
        try (var files = Files.walk(CHART)) {
            for (Path source : files.toList()) {
                Path target = copy.resolve(CHART.relativize(source).toString());
                if (Files.isDirectory(source)) Files.createDirectories(target);
                else Files.copy(source, target);
            }
        }
        Path copiedHook = copy.resolve("templates/tests/test-readyz.yaml");
        Files.writeString(copiedHook, Files.readString(copiedHook).replace("helm.sh/hook:", "rendered-as-manifest.example/hook:"));

        Map<String, HasMetadata> objects = renderChart(copy, null, "tests.image.repository", "registry.example.com/curl");

        Pod hook = (Pod) objects.get("Pod/sync-presence-sync-test-readyz");
        Deployment deployment = (Deployment) objects.get("Deployment/sync-presence-sync");
        assertThat(hook.getMetadata().getAnnotations()).containsEntry("rendered-as-manifest.example/hook", "test");
        assertThat(hook.getMetadata().getLabels().entrySet().containsAll(deployment.getSpec().getSelector().getMatchLabels().entrySet()))
                .as("the hook pod matches the Deployment's selector").isFalse();
        Container curl = hook.getSpec().getContainers().get(0);
        assertThat(curl.getImage()).isEqualTo("registry.example.com/curl:8.11.1");
        assertThat(curl.getCommand()).first().isEqualTo("curl");
        assertThat(curl.getCommand()).last().isEqualTo("http://sync-presence-sync:8080/readyz");
        assertThat(hook.getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(hook.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(curl.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    }

    @Test
    void installNotesWarnWhenTheConfigurationNamesSecretFilesButNoSecretIsMounted() {
        String withoutSecret = installNotes();
        String withSecret = installNotes("credentials.existingSecret", "presence-sync-credentials");

        assertThat(withoutSecret).contains("kubectl -n presence rollout status deployment/sync-presence-sync")
                .contains("helm test sync -n presence")
                .contains("WARNING: the configuration references files under /var/run/secrets/presence-sync:\n  - contoso-client-secret\n");
        assertThat(withSecret).doesNotContain("WARNING: the configuration references files")
                .contains("The Secret presence-sync-credentials is yours: after rotating a key, restart the pods");
    }

    @Test
    void aSecretFileTheConfigurationNamesButTheChartsSecretLacksIsRefused() {
        assertThatThrownBy(() -> render(null, "credentials.files.contoso-secret", "typo-in-the-name"))
                .hasMessageContaining("config references /var/run/secrets/presence-sync/contoso-client-secret, "
                        + "but credentials.files has no key \"contoso-client-secret\"");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            several replicas without clustered mode | replicaCount: 3                                        | at '/config': missing property 'cluster'
            no replica                              | replicaCount: 0                                        | at '/replicaCount': minimum: got 0, want 1
            a misspelt top-level value              | replicas: 3                                            | additional properties 'replicas' not allowed
            an unknown pull policy                  | image: {pullPolicy: Sometimes}                         | at '/image/pullPolicy': value must be one of 'Always', 'IfNotPresent', 'Never'
            a management port out of range          | config: {management: {port: 70000}}                    | at '/config/management/port': maximum: got 70,000, want 65,535
            a loopback management address           | config: {management: {bindAddress: 127.0.0.1}}         | at '/config/management/bindAddress': 'not' failed
            an unknown log format                   | logFormat: xml                                         | at '/logFormat': value must be one of 'json', 'text'
            a non-PostgreSQL cluster database       | config: {cluster: {jdbcUrl: 'jdbc:mysql://db/x', username: u}} | at '/config/cluster/jdbcUrl': 'jdbc:mysql://db/x' does not match pattern
            a workload identity client id not a GUID | workloadIdentity: {clientId: my-app}                  | at '/workloadIdentity/clientId': 'my-app' does not match pattern
            a memory share the JVM cannot live with | jvm: {maxRAMPercentage: 99}                            | at '/jvm/maxRAMPercentage': maximum: got 99, want 90
            """)
    void theSchemaRejects(String what, String values, String message) {
        assertThatThrownBy(() -> render(values))
                .as(what)
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining(message);
    }

    @Test
    void theSchemaRejectsTenantsWithInlineSecretsOrBadIds() {
        String tenant = """
                config:
                  tenants:
                    - name: %s
                      tenantId: 11111111-2222-3333-4444-555555555555
                      clientId: %s
                      credential: %s
                      users: [anna.schmidt@contoso.com]
                """;
        assertThatThrownBy(() -> render(tenant.formatted("contoso", "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
                "{type: clientSecret, secret: hunter2}")))
                .hasMessageContaining("invalid propertyName 'secret'")
                .hasMessageContaining("value must be one of 'type', 'secretFile', 'secretEnv'");
        assertThatThrownBy(() -> render(tenant.formatted("Contoso", "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
                "{type: workloadIdentity}")))
                .hasMessageContaining("at '/config/tenants/0/name': 'Contoso' does not match pattern");
        assertThatThrownBy(() -> render(tenant.formatted("contoso", "my-app", "{type: workloadIdentity}")))
                .hasMessageContaining("at '/config/tenants/0/clientId': 'my-app' does not match pattern");
        assertThatThrownBy(() -> render(tenant.formatted("contoso", "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
                "{type: password}")))
                .hasMessageContaining("at '/config/tenants/0/credential/type': value must be one of 'clientSecret'");
    }

    @Test
    void theSchemaRefusesClusteredModeWithOnlyTheEmbeddedStoreAsTheApplicationDoes() throws IOException {
        String embeddedOnly = CLUSTERED.replace("- {type: redis, uri: \"redis://redis.presence.svc:6379/0\"}", "- {type: embedded}");
        String noPublishers = CLUSTERED.replace("""
                  publishers:
                    - {type: redis, uri: "redis://redis.presence.svc:6379/0"}
                """, "");
        assertThat(embeddedOnly).isNotEqualTo(CLUSTERED);
        assertThat(noPublishers).isNotEqualTo(CLUSTERED);

        assertThatThrownBy(() -> render(embeddedOnly)).hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("at '/config/publishers': no items match contains schema");
        assertThatThrownBy(() -> render(noPublishers)).as("the chart's default publishers: the embedded store")
                .hasMessageContaining("at '/config/publishers': no items match contains schema");
        assertThatThrownBy(() -> render(embeddedOnly.replace("replicaCount: 3", "replicaCount: 1")))
                .as("one replica too: the application refuses cluster without a shared store whatever the count")
                .hasMessageContaining("at '/config/publishers'");
        assertThat(render(CLUSTERED.replace("{type: redis, uri: \"redis://redis.presence.svc:6379/0\"}",
                "{type: http, url: \"https://uc.example.com/presence\"}"))).containsKey("NetworkPolicy/sync-presence-sync");

        // What the schema stands in for: the application's own refusal of the same configuration.
        Path file = Files.writeString(temp.resolve("embedded-only.yaml"), """
                tenants:
                  - {name: contoso, tenantId: 11111111-2222-3333-4444-555555555555,
                     clientId: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee, credential: {type: managedIdentity}, users: [anna@contoso.com]}
                publishers: [{type: embedded}]
                cluster: {jdbcUrl: "jdbc:postgresql://db/x", username: u}
                """);
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).read(file)).hasMessageStartingWith("publishers: with cluster, configure a redis, http or sip publisher");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            tenant   | tenants: [{name: contoso, tenantID: contoso.onmicrosoft.com, tenantId: contoso.onmicrosoft.com, clientId: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee, credential: {type: workloadIdentity}, users: [a@contoso.com]}] | at '/config/tenants/0': additional properties 'tenantID' not allowed
            rules    | tenants: [{name: contoso, tenantId: contoso.onmicrosoft.com, clientId: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee, credential: {type: workloadIdentity}, users: [a@contoso.com], rules: {tentatve: busy}}] | at '/config/tenants/0/rules': additional properties 'tentatve' not allowed
            graph    | tenants: [{name: contoso, tenantId: contoso.onmicrosoft.com, clientId: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee, credential: {type: workloadIdentity}, users: [a@contoso.com], graph: {schedulePerRequest: 20}}] | at '/config/tenants/0/graph': additional properties 'schedulePerRequest' not allowed
            sync     | sync: {calendarPollIntervall: 2m}                                                     | at '/config/sync': additional properties 'calendarPollIntervall' not allowed
            cluster  | cluster: {jdbcUrl: 'jdbc:postgresql://db/x', username: u, passwordfile: /x}          | at '/config/cluster': additional properties 'passwordfile' not allowed
            publisher | publishers: [{type: redis, url: 'redis://redis:6379'}, {type: redis, uri: 'redis://redis:6379', keyprefix: x}] | at '/config/publishers/1': additional properties 'keyprefix' not allowed
            http auth | publishers: [{type: http, url: 'https://uc.example.com/p', auth: {type: bearer, tokenfile: /x}}] | at '/config/publishers/0/auth': additional properties 'tokenfile' not allowed
            """)
    void theSchemaRefusesAMisspeltKeyOfTheApplicationsConfiguration(String where, String config, String message) {
        assertThatThrownBy(() -> render("config:\n  " + config + "\n"))
                .as(where)
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining(message);
    }

    @Test
    void environmentReferencesTheApplicationReplacesPassTheSchemaAndTheApplication() throws IOException {
        Map<String, HasMetadata> objects = render("""
                config:
                  tenants:
                    - name: contoso
                      tenantId: ${CONTOSO_TENANT_ID}
                      clientId: ${CONTOSO_CLIENT_ID}
                      credential:
                        type: clientSecret
                        secretFile: ${SECRETS_DIR:-/var/run/secrets/presence-sync}/contoso-client-secret
                      users: [anna.schmidt@contoso.com]
                      groups: ["${CONTOSO_GROUP}"]
                  publishers:
                    - {type: redis, uri: "redis://${REDIS_HOST}:6379", passwordFile: "${SECRETS_DIR}/redis-password"}
                  cluster:
                    jdbcUrl: jdbc:postgresql://${DATABASE_HOST}:5432/presence_sync
                    username: presence_sync
                    passwordFile: ${SECRETS_DIR}/postgres-password
                credentials: {existingSecret: presence-sync-credentials}
                networkPolicy: {enabled: true}
                """);

        NetworkPolicy policy = (NetworkPolicy) objects.get("NetworkPolicy/sync-presence-sync");
        assertThat(egressPorts(policy)).as("ports written next to an ${ENV} host")
                .containsExactlyInAnyOrder("53/UDP", "53/TCP", "443/TCP", "5432/TCP", "6379/TCP");

        Path secrets = Files.createDirectories(temp.resolve("mounted"));
        for (String file : List.of("contoso-client-secret", "redis-password", "postgres-password")) {
            Files.writeString(secrets.resolve(file), "value of " + file);
        }
        AppConfig config = validate(objects, Map.of("CONTOSO_TENANT_ID", "contoso.onmicrosoft.com",
                "CONTOSO_CLIENT_ID", "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", "CONTOSO_GROUP", "3c9d8e7f-1a2b-4c3d-8e9f-0a1b2c3d4e5f",
                "SECRETS_DIR", secrets.toString(), "REDIS_HOST", "redis.presence.svc", "DATABASE_HOST", "postgres.db.svc"));
        assertThat(config.tenants().get(0).tenantId()).isEqualTo("contoso.onmicrosoft.com");
        assertThat(config.tenants().get(0).credential()).isEqualTo(new CredentialConfig.ClientSecret(io.presencesync.adapter.config.Secret.file(secrets.resolve("contoso-client-secret"))));
        assertThat(config.cluster().orElseThrow().jdbcUrl()).isEqualTo("jdbc:postgresql://postgres.db.svc:5432/presence_sync");
    }

    @Test
    void aPortOnlyTheEnvironmentKnowsIsNamedWithTheValueToSetInstead() {
        String values = """
                config:
                  tenants:
                    - name: contoso
                      tenantId: contoso.onmicrosoft.com
                      clientId: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee
                      credential: {type: workloadIdentity}
                      users: [anna.schmidt@contoso.com]
                  publishers:
                    - {type: redis, uri: "${REDIS_URL}"}
                    - {type: http, url: "http://uc.example.com:${UC_PORT}/presence"}
                networkPolicy:
                  enabled: true
                  %s
                """;
        assertThatThrownBy(() -> render(values.formatted("")))
                .hasMessageContaining("networkPolicy: the port of config.publishers[0].uri (${REDIS_URL}), "
                        + "config.publishers[1].url (http://uc.example.com:${UC_PORT}/presence) comes from the environment")
                .hasMessageContaining("add an egress rule for it to networkPolicy.extraEgress");

        NetworkPolicy policy = (NetworkPolicy) render(values.formatted("extraEgress: [{ports: [{port: 6380, protocol: TCP}, {port: 8081, protocol: TCP}]}]"))
                .get("NetworkPolicy/sync-presence-sync");
        assertThat(egressPorts(policy)).as("left to extraEgress").containsExactlyInAnyOrder("53/UDP", "53/TCP", "443/TCP", "6380/TCP", "8081/TCP");

        assertThatThrownBy(() -> render(null, "config.management.port", "${MANAGEMENT_PORT}"))
                .as("the container port, the probes and the Service need it")
                .hasMessageContaining("config.management.port: ${MANAGEMENT_PORT} comes from the environment")
                .hasMessageContaining("write the port itself");
    }

    @Test
    void workloadIdentityNeedsItsClientIdWrittenWhenTheTenantsComesFromTheEnvironment() {
        String values = WORKLOAD_IDENTITY.replace("clientId: 0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9", "clientId: ${CONTOSO_CLIENT_ID}");

        assertThatThrownBy(() -> render(values)).hasMessageContaining("workloadIdentity.clientId: set it; "
                + "the first tenant's clientId ${CONTOSO_CLIENT_ID} comes from the environment");
        ServiceAccount account = (ServiceAccount) render(values, "workloadIdentity.clientId", "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9")
                .get("ServiceAccount/sync-presence-sync");
        assertThat(account.getMetadata().getAnnotations())
                .containsEntry("azure.workload.identity/client-id", "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9");
    }

    @Test
    void severalReplicasAreAcceptedInClusteredMode() {
        assertThat(render(CLUSTERED)).containsKey("Deployment/sync-presence-sync");
    }

    @Test
    void aMisspeltFieldInARenderedObjectFailsTheParseInsteadOfLandingInAdditionalProperties() {
        String deployment = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x, labels: {app: x}}
                spec:
                  selector: {matchLabels: {app: x}}
                  template:
                    metadata: {labels: {app: x}}
                    spec:
                      containers:
                        - name: x
                          image: x
                          securityContext: {readOnlyRootFilesytem: true}
                          ports: [{containerPort: 8080, protocl: TCP}]
                """;

        assertThatThrownBy(() -> parse(deployment))
                .hasMessageContaining("Deployment.spec.template.spec.containers[0].securityContext.readOnlyRootFilesytem")
                .hasMessageContaining("Deployment.spec.template.spec.containers[0].ports[0].protocl");
        assertThat(parse(deployment.replace("Filesytem", "Filesystem").replace("protocl", "protocol")).getKind()).isEqualTo("Deployment");
    }

    // --- rendering and parsing -------------------------------------------------------------------

    /** helm template with an optional values file and --set pairs; every document parsed, by kind/name. */
    private Map<String, HasMetadata> render(String valuesYaml, String... setPairs) {
        return renderChart(CHART, valuesYaml, setPairs);
    }

    private Map<String, HasMetadata> renderChart(Path chart, String valuesYaml, String... setPairs) {
        var template = new Helm(chart).template().withName("sync").withNamespace("presence").withKubeVersion("1.31.0");
        if (valuesYaml != null) {
            try {
                template.withValuesFile(Files.writeString(Files.createTempFile(temp, "values", ".yaml"), valuesYaml));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        for (int i = 0; i < setPairs.length; i += 2) template.set(setPairs[i], setPairs[i + 1]);
        String manifests = template.call();
        return List.of(manifests.split("(?m)^---\\s*$")).stream()
                .filter(document -> document.lines().anyMatch(line -> !line.isBlank() && !line.startsWith("#")))
                .map(HelmChartIT::parse)
                .collect(Collectors.toMap(o -> o.getKind() + "/" + o.getMetadata().getName(), o -> o,
                        (a, b) -> { throw new IllegalStateException("rendered twice: " + a.getKind() + "/" + a.getMetadata().getName()); },
                        java.util.LinkedHashMap::new));
    }

    /**
     * One rendered document as a Kubernetes object, strictly: fabric8's models keep a field they do
     * not know in their additionalProperties instead of failing, so a misspelt field would pass.
     * Custom resources (GenericKubernetesResource) have no schema here and are taken as they are.
     */
    static HasMetadata parse(String document) {
        HasMetadata object = KUBERNETES.unmarshal(document, HasMetadata.class);
        List<String> unknown = new ArrayList<>();
        if (!(object instanceof GenericKubernetesResource)) collectUnknownFields(object, object.getKind(), unknown);
        assertThat(unknown).as("fields the Kubernetes API does not know, in%n%s", document).isEmpty();
        return object;
    }

    /** Walks the JSON properties of a fabric8 model object; every non-empty additionalProperties is a field nobody knows. */
    private static void collectUnknownFields(Object value, String path, List<String> unknown) {
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) collectUnknownFields(item, path + "[" + i++ + "]", unknown);
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> collectUnknownFields(item, path + "." + key, unknown));
            return;
        }
        if (value == null || !value.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) return;
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0) continue;
            boolean extra = getter.isAnnotationPresent(JsonAnyGetter.class);
            JsonProperty property = getter.getAnnotation(JsonProperty.class);
            if (!extra && property == null) continue;
            Object child;
            try {
                child = getter.invoke(value);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(path + ": " + getter, e);
            }
            if (extra) {
                if (child instanceof Map<?, ?> fields && !fields.isEmpty()) {
                    fields.keySet().forEach(key -> unknown.add(path + "." + key));
                }
            } else {
                collectUnknownFields(child, path + "." + property.value(), unknown);
            }
        }
    }

    /** The NOTES.txt an install prints (helm install --dry-run=client, no cluster needed). */
    private static String installNotes(String... setPairs) {
        var install = new Helm(CHART).install().withName("sync").withNamespace("presence").withKubeVersion("1.31.0")
                .withDryRunOption(DryRun.CLIENT).clientOnly();
        for (int i = 0; i < setPairs.length; i += 2) install.set(setPairs[i], setPairs[i + 1]);
        String output = install.call().getOutput();
        assertThat(output).contains("NOTES:");
        return output.substring(output.indexOf("NOTES:"));
    }

    private static String configMapYaml(Map<String, HasMetadata> objects) {
        ConfigMap configMap = (ConfigMap) objects.get("ConfigMap/sync-presence-sync");
        return configMap.getData().get("presence-sync.yaml");
    }

    /**
     * The rendered presence-sync.yaml through ConfigLoader, as the pod would see it: the chart's
     * Secret written out as files, at a temporary directory standing in for the mount path.
     */
    private AppConfig validate(Map<String, HasMetadata> objects, Map<String, String> env) throws IOException {
        Deployment deployment = (Deployment) objects.get("Deployment/sync-presence-sync");
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(mount(container, "/etc/presence-sync").getName()).isEqualTo("config");
        String yaml = configMapYaml(objects);
        Secret secret = (Secret) objects.get("Secret/sync-presence-sync-credentials");
        if (secret != null) {
            Path secrets = Files.createDirectories(temp.resolve("secrets"));
            for (var entry : secret.getData().entrySet()) {
                Files.write(secrets.resolve(entry.getKey()), Base64.getDecoder().decode(entry.getValue()));
            }
            String mountPath = container.getVolumeMounts().stream().filter(m -> m.getName().equals("credentials"))
                    .findFirst().orElseThrow().getMountPath();
            yaml = yaml.replace(mountPath + "/", secrets + "/");
        }
        Path file = Files.writeString(temp.resolve("presence-sync.yaml"), yaml, StandardCharsets.UTF_8);
        return new ConfigLoader(env).read(file);
    }

    private static Container container(Map<String, HasMetadata> objects) {
        return ((Deployment) objects.get("Deployment/sync-presence-sync")).getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static Map<String, String> podAnnotations(Map<String, HasMetadata> objects) {
        return ((Deployment) objects.get("Deployment/sync-presence-sync")).getSpec().getTemplate().getMetadata().getAnnotations();
    }

    private static Map<String, String> env(Container container) {
        return container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    private static Map<String, VolumeMount> mounts(Container container) {
        return container.getVolumeMounts().stream().collect(Collectors.toMap(VolumeMount::getMountPath, m -> m));
    }

    private static VolumeMount mount(Container container, String path) {
        VolumeMount mount = mounts(container).get(path);
        assertThat(mount).as("volume mount at %s", path).isNotNull();
        return mount;
    }

    private static List<String> egressPorts(NetworkPolicy policy) {
        return policy.getSpec().getEgress().stream().flatMap(rule -> rule.getPorts().stream())
                .map(HelmChartIT::portAndProtocol).toList();
    }

    private static String portAndProtocol(NetworkPolicyPort port) {
        String number = port.getPort().getIntVal() != null ? port.getPort().getIntVal().toString() : port.getPort().getStrVal();
        return number + "/" + port.getProtocol();
    }
}
