package io.presencesync.adapter.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.presencesync.domain.EventState;
import io.presencesync.rules.RuleSettings;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Reads the YAML configuration, replaces ${ENV} references ({@link EnvInterpolation}) and validates all of it before anything runs. */
public final class ConfigLoader {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?");
    static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");
    /** getSchedule accepts a window below 62 days; the look-back takes a few minutes of it. */
    static final Duration MAX_HORIZON = Duration.ofDays(61);
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)[?&;]password=");

    private final Map<String, String> env;

    public ConfigLoader(Map<String, String> env) {
        this.env = env;
    }

    public static AppConfig load(Path file) {
        return new ConfigLoader(System.getenv()).read(file);
    }

    public AppConfig read(Path file) {
        JsonNode root = ConfigYaml.read(file);
        if (root == null || root.isMissingNode()) throw new ConfigException(file + ": the file is empty");
        return parse(new ConfigNode(EnvInterpolation.apply(root, env), ""));
    }

    AppConfig parse(ConfigNode root) {
        root.allowOnly("tenants", "sync", "publishers", "management", "api", "cluster", "federation");
        List<TenantConfig> tenants = root.list("tenants", this::tenant);
        if (tenants.isEmpty()) throw root.child("tenants").error("configure at least one tenant");
        Set<String> names = new HashSet<>();
        for (int i = 0; i < tenants.size(); i++) {
            if (!names.add(tenants.get(i).name())) {
                throw new ConfigException("tenants[" + i + "].name: '" + tenants.get(i).name() + "' is used by another tenant");
            }
        }
        SyncConfig sync = root.has("sync") ? sync(root.child("sync")) : SyncConfig.DEFAULTS;
        List<PublisherConfig> publishers = new PublisherConfigReader(env, sync.calendarPollInterval()).read(root);
        ManagementConfig management = root.has("management") ? management(root.child("management")) : ManagementConfig.DEFAULTS;
        ApiConfig api = root.has("api") ? ApiConfigReader.read(root.child("api")) : ApiConfig.DEFAULTS;
        if (api.port() != 0 && api.port() == management.port()) {
            throw root.child("api").child("port").error(api.port() + " is the management port: the API needs a port of its own "
                    + "(the management port stays open to probes and Prometheus without credentials)");
        }
        Optional<ClusterConfig> cluster = root.has("cluster") ? Optional.of(cluster(root.child("cluster"), sync.threads())) : Optional.empty();
        if (cluster.isPresent() && publishers.stream().allMatch(p -> p instanceof PublisherConfig.Embedded)) {
            throw new ConfigException("publishers: with cluster, configure a redis, http or sip publisher: the embedded store holds only "
                    + "the presences its own node published, so each replica would show a different part of the users");
        }
        Optional<XmppConfig> xmpp = federation(root, publishers, cluster.isPresent());
        return new AppConfig(tenants, sync, publishers, management, api, cluster, xmpp);
    }

    /** {@code federation.xmpp} shows the embedded store's merge: without an embedded publisher it would show nothing but manual presences. */
    private Optional<XmppConfig> federation(ConfigNode root, List<PublisherConfig> publishers, boolean clustered) {
        if (!root.has("federation")) return Optional.empty();
        ConfigNode f = root.child("federation").allowOnly("xmpp");
        if (!f.has("xmpp")) return Optional.empty();
        if (publishers.stream().noneMatch(p -> p instanceof PublisherConfig.Embedded)) {
            throw f.child("xmpp").error("shows the embedded store's effective presences: add a publisher of type embedded");
        }
        return Optional.of(new XmppConfigReader(env).read(f.child("xmpp"), clustered));
    }

    private TenantConfig tenant(ConfigNode t) {
        t.allowOnly("name", "tenantId", "clientId", "cloud", "graphBaseUrl", "authorityHost", "credential", "users", "groups", "rules", "graph");
        String name = t.required("name").text();
        if (!NAME.matcher(name).matches()) {
            throw t.child("name").error("'" + name + "' must be 1-40 lower-case letters, digits or '-'");
        }
        String tenantId = t.required("tenantId").text();
        if (!GUID.matcher(tenantId).matches() && !DOMAIN.matcher(tenantId).matches()) {
            throw t.child("tenantId").error("'" + tenantId + "' is neither a directory id (GUID) nor a domain");
        }
        String clientId = t.required("clientId").text();
        if (!GUID.matcher(clientId).matches()) {
            throw t.child("clientId").error("'" + clientId + "' is not an application (client) id (GUID)");
        }
        GraphCloud cloud = cloud(t);
        String graphBaseUrl = url(t, "graphBaseUrl", cloud.graphBaseUrl(), false);
        checkGraphUrl(t, cloud, graphBaseUrl);
        String authorityHost = url(t, "authorityHost", cloud.authorityHost(), true);
        CredentialConfig credential = new CredentialReader(env).read(t.required("credential"));
        List<String> users = t.has("users") ? t.list("users", ConfigNode::text) : List.of();
        List<String> groups = t.has("groups") ? t.list("groups", ConfigNode::text) : List.of();
        if (users.isEmpty() && groups.isEmpty()) {
            throw t.error("list at least one user under users or one group under groups");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < users.size(); i++) {
            if (!seen.add(users.get(i).toLowerCase(Locale.ROOT))) {
                throw new ConfigException(t.path() + ".users[" + i + "]: '" + users.get(i) + "' is listed twice");
            }
        }
        Set<String> seenGroups = new HashSet<>();
        for (int i = 0; i < groups.size(); i++) {
            String group = groups.get(i);
            if (!GUID.matcher(group).matches()) {
                throw new ConfigException(t.path() + ".groups[" + i + "]: '" + group + "' is not a group object id (GUID)");
            }
            if (!seenGroups.add(group.toLowerCase(Locale.ROOT))) {
                throw new ConfigException(t.path() + ".groups[" + i + "]: '" + group + "' is listed twice");
            }
        }
        RuleSettings rules = t.has("rules") ? rules(t.child("rules")) : RuleSettings.DEFAULTS;
        GraphSettings graph = t.has("graph") ? graph(t.child("graph")) : GraphSettings.DEFAULTS;
        return new TenantConfig(name, tenantId, clientId, cloud, graphBaseUrl, authorityHost, credential, users, groups, rules, graph);
    }

    private static GraphSettings graph(ConfigNode g) {
        g.allowOnly("schedulesPerRequest");
        // Graph documents 20 schedules per getSchedule request and rejects more than 100.
        int schedules = g.integer("schedulesPerRequest", GraphSettings.DEFAULT_SCHEDULES_PER_REQUEST, 1, GraphSettings.MAX_SCHEDULES_PER_REQUEST);
        return new GraphSettings(schedules);
    }

    private static GraphCloud cloud(ConfigNode t) {
        String text = t.text("cloud", "global");
        for (GraphCloud c : GraphCloud.values()) {
            if (c.name().replace('_', '-').equalsIgnoreCase(text)) return c;
        }
        throw t.child("cloud").error("'" + text + "' is not one of global, usgov, usgov-dod, china");
    }

    /** An absolute URL without a trailing slash; plain http only for this machine (tests, demo). */
    private static String url(ConfigNode t, String key, String fallback, boolean httpsOnly) {
        if (!t.has(key)) return fallback;
        String text = t.child(key).text();
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw t.child(key).error("'" + text + "' is not a URL");
        }
        boolean local = "localhost".equals(uri.getHost()) || "127.0.0.1".equals(uri.getHost());
        boolean ok = "https".equals(uri.getScheme()) || (!httpsOnly && "http".equals(uri.getScheme()) && local);
        if (!ok || uri.getHost() == null) {
            throw t.child(key).error("'" + text + "' must be an https URL" + (httpsOnly ? "" : " (http only for localhost)"));
        }
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    /**
     * The token is asked for the cloud's Graph resource, so a Graph URL of another cloud would be
     * refused with 401 on every call; only this machine (tests, demo) may stand in for Graph.
     */
    private static void checkGraphUrl(ConfigNode t, GraphCloud cloud, String url) {
        URI uri = URI.create(url);
        String expectedHost = URI.create(cloud.graphBaseUrl()).getHost();
        boolean local = "localhost".equals(uri.getHost()) || "127.0.0.1".equals(uri.getHost());
        if (!local && !expectedHost.equalsIgnoreCase(uri.getHost())) {
            throw t.child("graphBaseUrl").error("'" + url + "' is not a Graph endpoint of cloud "
                    + cloud.name().toLowerCase(Locale.ROOT).replace('_', '-') + " (expected host " + expectedHost + ")");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (!path.endsWith("/v1.0") && !path.endsWith("/beta")) {
            throw t.child("graphBaseUrl").error("'" + url + "' must end with the API version, e.g. " + cloud.graphBaseUrl());
        }
    }

    /** Set by the AKS workload-identity webhook: the projected service account token. */
    private static RuleSettings rules(ConfigNode r) {
        r.allowOnly("tentative", "workingElsewhere", "autoReplies", "callActivities");
        RuleSettings d = RuleSettings.DEFAULTS;
        RuleSettings rules = d.withTentative(state(r, "tentative", d.tentative(), EventState.NONE, EventState.BUSY))
                .withWorkingElsewhere(state(r, "workingElsewhere", d.workingElsewhere(), EventState.values()))
                .withAutoReplies(r.bool("autoReplies", d.autoReplies()));
        if (!r.has("callActivities")) return rules;
        List<String> activities = r.list("callActivities", ConfigNode::text);
        if (activities.isEmpty()) {
            throw r.child("callActivities").error("list at least one Teams call activity (to ignore calls, list only those you want)");
        }
        for (int i = 0; i < activities.size(); i++) {
            if (!RuleSettings.CALL_ACTIVITIES.contains(activities.get(i))) {
                throw new ConfigException(r.path() + ".callActivities[" + i + "]: '" + activities.get(i)
                        + "' is not a Teams call activity (one of " + String.join(", ", new TreeSet<>(RuleSettings.CALL_ACTIVITIES)) + ")");
            }
        }
        return rules.withCallActivities(new LinkedHashSet<>(activities));
    }

    private static EventState state(ConfigNode r, String key, EventState fallback, EventState... allowed) {
        if (!r.has(key)) return fallback;
        String text = r.child(key).text();
        for (EventState s : allowed) {
            if (s.name().equalsIgnoreCase(text)) return s;
        }
        throw r.child(key).error("'" + text + "' is not one of " + Arrays.stream(allowed)
                .map(s -> s.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }

    private static SyncConfig sync(ConfigNode s) {
        s.allowOnly("calendarPollInterval", "callStatePollInterval", "horizon", "userRefreshInterval", "unitSize", "threads");
        SyncConfig d = SyncConfig.DEFAULTS;
        Duration calendar = s.duration("calendarPollInterval", d.calendarPollInterval(), Duration.ofSeconds(10));
        Duration call = s.duration("callStatePollInterval", d.callStatePollInterval(), Duration.ofSeconds(5));
        Duration horizon = s.duration("horizon", d.horizon(), Duration.ofHours(1));
        if (horizon.compareTo(MAX_HORIZON) > 0) throw s.child("horizon").error("'" + s.child("horizon").text() + "' is longer than Graph allows (at most 61d)");
        Duration users = s.duration("userRefreshInterval", d.userRefreshInterval(), Duration.ofMinutes(1));
        int unitSize = s.integer("unitSize", d.unitSize(), 1, 5000);
        int threads = s.integer("threads", d.threads(), 1, 256);
        return new SyncConfig(calendar, call, horizon, users, unitSize, threads);
    }

    private static ManagementConfig management(ConfigNode m) {
        m.allowOnly("bindAddress", "port");
        String bind = BindAddress.read(m, "bindAddress", ManagementConfig.DEFAULTS.bindAddress());
        int port = m.integer("port", ManagementConfig.DEFAULTS.port(), 0, 65535);
        return new ManagementConfig(bind, port);
    }

    /** Quartz needs a connection per running unit plus a few for check-in and trigger acquisition. */
    private ClusterConfig cluster(ConfigNode c, int threads) {
        c.allowOnly("jdbcUrl", "username", "passwordFile", "passwordEnv", "checkinInterval", "maxConnections");
        String url = c.required("jdbcUrl").text();
        if (PASSWORD_PARAMETER.matcher(url).find()) {
            throw c.child("jdbcUrl").error("must not carry the password: give passwordFile or passwordEnv (the secret itself never goes in this file)");
        }
        // The driver's own parser: what it refuses here, it would refuse at the first connection.
        if (!url.startsWith("jdbc:postgresql://") || org.postgresql.Driver.parseURL(url, null) == null) {
            throw c.child("jdbcUrl").error("'" + url + "' is not a PostgreSQL JDBC URL (jdbc:postgresql://host:5432/database)");
        }
        String username = c.required("username").text();
        Secret password = Secret.from(c, env, "passwordFile", "passwordEnv", false);
        Duration checkin = c.duration("checkinInterval", ClusterConfig.DEFAULT_CHECKIN_INTERVAL, Duration.ofSeconds(1));
        int connections = c.integer("maxConnections", threads + 3, threads + 2, 300);
        return new ClusterConfig(url, username, password, checkin, connections);
    }
}
