package io.presencesync.adapter.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.presencesync.adapter.graph.GraphCloud;
import io.presencesync.domain.EventState;
import io.presencesync.rules.RuleSettings;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Reads the YAML configuration and validates all of it before anything runs. */
public final class ConfigLoader {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?");
    private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");
    /** getSchedule accepts a window below 62 days; the look-back takes a few minutes of it. */
    static final Duration MAX_HORIZON = Duration.ofDays(61);

    private final Map<String, String> env;

    public ConfigLoader(Map<String, String> env) {
        this.env = env;
    }

    public static AppConfig load(Path file) {
        return new ConfigLoader(System.getenv()).read(file);
    }

    public AppConfig read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (JacksonException e) {
            throw new ConfigException(file + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : ""), e);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode()) throw new ConfigException(file + ": the file is empty");
        return parse(new ConfigNode(root, ""));
    }

    AppConfig parse(ConfigNode root) {
        root.allowOnly("tenants", "sync", "publishers");
        List<TenantConfig> tenants = root.list("tenants", this::tenant);
        if (tenants.isEmpty()) throw root.child("tenants").error("configure at least one tenant");
        Set<String> names = new HashSet<>();
        for (int i = 0; i < tenants.size(); i++) {
            if (!names.add(tenants.get(i).name())) {
                throw new ConfigException("tenants[" + i + "].name: '" + tenants.get(i).name() + "' is used by another tenant");
            }
        }
        SyncConfig sync = root.has("sync") ? sync(root.child("sync")) : SyncConfig.DEFAULTS;
        List<PublisherConfig> publishers = root.has("publishers")
                ? root.list("publishers", this::publisher)
                : List.of(new PublisherConfig.Embedded(true));
        if (publishers.isEmpty()) throw root.child("publishers").error("configure at least one publisher");
        return new AppConfig(tenants, sync, publishers);
    }

    private TenantConfig tenant(ConfigNode t) {
        t.allowOnly("name", "tenantId", "clientId", "cloud", "graphBaseUrl", "authorityHost", "credential", "users", "groups", "rules");
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
        CredentialConfig credential = credential(t.required("credential"));
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
        return new TenantConfig(name, tenantId, clientId, cloud, graphBaseUrl, authorityHost, credential, users, groups, rules);
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
    static final String FEDERATED_TOKEN_FILE = "AZURE_FEDERATED_TOKEN_FILE";
    private static final String CREDENTIAL_TYPES = "clientSecret, certificate, workloadIdentity, managedIdentity";
    private static final Pattern PEM_KEY = Pattern.compile("(?s)-----BEGIN PRIVATE KEY-----(.*?)-----END PRIVATE KEY-----");
    private static final Pattern PEM_CERTIFICATE = Pattern.compile("(?s)-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----");

    private CredentialConfig credential(ConfigNode c) {
        if (!c.has("type")) {
            c.allowOnly("type", "secretFile", "secretEnv", "certificateFile", "passwordFile", "passwordEnv", "clientId");
            throw c.child("type").error("required (one of " + CREDENTIAL_TYPES + ")");
        }
        String type = c.child("type").text();
        return switch (type) {
            case "clientSecret" -> clientSecret(c.allowOnly("type", "secretFile", "secretEnv"));
            case "certificate" -> certificate(c.allowOnly("type", "certificateFile", "passwordFile", "passwordEnv"));
            case "workloadIdentity" -> workloadIdentity(c.allowOnly("type"));
            case "managedIdentity" -> managedIdentity(c.allowOnly("type", "clientId"));
            default -> throw c.child("type").error("'" + type + "' is not a credential type (known: " + CREDENTIAL_TYPES + ")");
        };
    }

    private CredentialConfig clientSecret(ConfigNode c) {
        boolean file = c.has("secretFile");
        boolean envVar = c.has("secretEnv");
        if (file == envVar) throw c.error("give exactly one of secretFile or secretEnv (the secret itself never goes in this file)");
        if (file) {
            Path path = Path.of(c.child("secretFile").text());
            if (readFile(c.child("secretFile"), path).isBlank()) throw c.child("secretFile").error("file is empty: " + path);
            return new CredentialConfig.ClientSecret(path, null);
        }
        String name = c.child("secretEnv").text();
        String value = env.get(name);
        if (value == null || value.isBlank()) throw c.child("secretEnv").error("environment variable " + name + " is not set");
        return new CredentialConfig.ClientSecret(null, name);
    }

    /** An existing, readable file's text (a missing or unreadable file is named with its field). */
    private static String readFile(ConfigNode field, Path path) {
        readBytes(field, path);
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw field.error("cannot read " + path + ": " + e.getMessage());
        }
    }

    private static byte[] readBytes(ConfigNode field, Path path) {
        if (!Files.isRegularFile(path)) throw field.error("file not found: " + path);
        if (!Files.isReadable(path)) throw field.error("file not readable: " + path);
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw field.error("cannot read " + path + ": " + e.getMessage());
        }
    }

    /**
     * A PEM or PFX file, told apart by its content (PEM is text with -----BEGIN blocks, PFX is
     * binary DER), and opened now so a wrong password or a file without a key fails at start-up
     * rather than at the first token request.
     */
    private CredentialConfig certificate(ConfigNode c) {
        ConfigNode fileNode = c.required("certificateFile");
        Path path = Path.of(fileNode.text());
        byte[] content = readBytes(fileNode, path);
        String text = new String(content, StandardCharsets.ISO_8859_1);
        if (text.isBlank()) throw fileNode.error("file is empty: " + path);
        boolean passwordFile = c.has("passwordFile");
        boolean passwordEnv = c.has("passwordEnv");
        if (passwordFile && passwordEnv) throw c.error("give at most one of passwordFile or passwordEnv (the password itself never goes in this file)");
        ConfigNode passwordNode = passwordFile ? c.child("passwordFile") : passwordEnv ? c.child("passwordEnv") : null;
        Path passwordPath = passwordFile ? Path.of(passwordNode.text()) : null;
        String passwordVariable = passwordEnv ? passwordNode.text() : null;
        if (text.contains("-----BEGIN ")) {
            if (passwordNode != null) {
                throw passwordNode.error("a PEM certificate file takes no password (Azure Identity reads only an unencrypted "
                        + "private key from PEM); use a PFX file for a password-protected key");
            }
            checkPem(fileNode, path, new String(content, StandardCharsets.UTF_8));
            return new CredentialConfig.Certificate(path, CredentialConfig.Certificate.Format.PEM, null, null);
        }
        String password = "";
        if (passwordPath != null) {
            password = stripLineEnd(readFile(passwordNode, passwordPath));
            if (password.isEmpty()) throw passwordNode.error("file is empty: " + passwordPath);
        } else if (passwordVariable != null) {
            password = env.get(passwordVariable);
            if (password == null || password.isEmpty()) throw passwordNode.error("environment variable " + passwordVariable + " is not set");
        }
        checkPfx(fileNode, path, content, password, passwordNode);
        return new CredentialConfig.Certificate(path, CredentialConfig.Certificate.Format.PFX, passwordPath, passwordVariable);
    }

    /** A password file's content without the line break a mounted Secret or an editor may add. */
    private static String stripLineEnd(String text) {
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) end--;
        return text.substring(0, end);
    }

    /** What Azure Identity accepts: an unencrypted PKCS#8 RSA key and the certificate it belongs to. */
    private static void checkPem(ConfigNode field, Path path, String pem) {
        Matcher key = PEM_KEY.matcher(pem);
        if (!key.find()) {
            String problem;
            if (pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
                problem = "the private key is encrypted; Azure Identity reads only an unencrypted PEM key "
                        + "(openssl pkcs8 -topk8 -nocrypt), or use a PFX file with passwordFile/passwordEnv";
            } else if (pem.contains("-----BEGIN RSA PRIVATE KEY-----")) {
                problem = "the private key is PKCS#1 (BEGIN RSA PRIVATE KEY); Azure Identity needs PKCS#8 "
                        + "(-----BEGIN PRIVATE KEY-----): convert it with openssl pkcs8 -topk8 -nocrypt";
            } else {
                problem = "no PRIVATE KEY block (-----BEGIN PRIVATE KEY-----); the file must hold the private key "
                        + "and the certificate";
            }
            throw field.error(path + ": " + problem);
        }
        RSAPrivateKey privateKey;
        try {
            byte[] der = Base64.getMimeDecoder().decode(key.group(1).strip());
            privateKey = (RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw field.error(path + ": the PRIVATE KEY block is not an RSA key in PKCS#8 (" + e.getMessage() + ")");
        }
        Matcher block = PEM_CERTIFICATE.matcher(pem);
        if (!block.find()) {
            throw field.error(path + ": no CERTIFICATE block (-----BEGIN CERTIFICATE-----); the file must hold the private key "
                    + "and the certificate");
        }
        X509Certificate certificate;
        try {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(block.group().getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException e) {
            throw field.error(path + ": the CERTIFICATE block is not an X.509 certificate (" + e.getMessage() + ")");
        }
        if (!(certificate.getPublicKey() instanceof RSAPublicKey publicKey)
                || !publicKey.getModulus().equals(privateKey.getModulus())) {
            throw field.error(path + ": the private key does not belong to the (first) certificate "
                    + certificate.getSubjectX500Principal().getName());
        }
    }

    /** Opens the PKCS#12 store with the password and finds the RSA key Azure Identity will sign with. */
    private static void checkPfx(ConfigNode field, Path path, byte[] content, String password, ConfigNode passwordNode) {
        KeyStore store;
        try {
            store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(content), password.toCharArray());
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                if (passwordNode == null) {
                    throw field.error(path + ": the PFX file needs a password: give passwordFile or passwordEnv");
                }
                throw passwordNode.error("wrong password for " + path);
            }
            throw field.error(path + ": neither PEM (no -----BEGIN block) nor a readable PFX/PKCS#12 file (" + e.getMessage() + ")");
        } catch (GeneralSecurityException e) {
            throw field.error(path + ": cannot open the PFX file (" + e.getMessage() + ")");
        }
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (!store.isKeyEntry(alias)) continue;
                if (!(store.getKey(alias, password.toCharArray()) instanceof RSAPrivateKey)) {
                    throw field.error(path + ": the private key is not an RSA key (Entra ID client certificates are RSA)");
                }
                if (store.getCertificate(alias) == null) throw field.error(path + ": the private key has no certificate");
                return;
            }
        } catch (UnrecoverableKeyException e) {
            throw field.error(path + ": the private key has another password than the file (" + e.getMessage() + ")");
        } catch (GeneralSecurityException e) {
            throw field.error(path + ": cannot read the PFX file (" + e.getMessage() + ")");
        }
        throw field.error(path + ": the PFX file holds no private key (only certificates); export it with its private key");
    }

    private CredentialConfig workloadIdentity(ConfigNode c) {
        String hint = " (the AKS workload-identity webhook sets it when the pod has the label "
                + "azure.workload.identity/use: \"true\" and its service account the annotation "
                + "azure.workload.identity/client-id: <the app's client id>)";
        String value = env.get(FEDERATED_TOKEN_FILE);
        if (value == null || value.isBlank()) {
            throw c.error("workloadIdentity needs the environment variable " + FEDERATED_TOKEN_FILE
                    + ", which is not set" + hint);
        }
        Path path = Path.of(value.strip());
        if (!Files.isRegularFile(path)) {
            throw c.error(FEDERATED_TOKEN_FILE + " names " + path + ", which does not exist" + hint);
        }
        if (!Files.isReadable(path)) throw c.error(FEDERATED_TOKEN_FILE + " names " + path + ", which is not readable");
        return new CredentialConfig.WorkloadIdentity(path);
    }

    private static CredentialConfig managedIdentity(ConfigNode c) {
        if (!c.has("clientId")) return new CredentialConfig.ManagedIdentity(null);
        String clientId = c.child("clientId").text();
        if (!GUID.matcher(clientId).matches()) {
            throw c.child("clientId").error("'" + clientId + "' is not the client id (GUID) of a user-assigned managed identity");
        }
        return new CredentialConfig.ManagedIdentity(clientId);
    }

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
        s.allowOnly("calendarPollInterval", "callStatePollInterval", "horizon", "userRefreshInterval");
        SyncConfig d = SyncConfig.DEFAULTS;
        Duration calendar = atLeast(s, "calendarPollInterval", d.calendarPollInterval(), Duration.ofSeconds(10));
        Duration call = atLeast(s, "callStatePollInterval", d.callStatePollInterval(), Duration.ofSeconds(5));
        Duration horizon = atLeast(s, "horizon", d.horizon(), Duration.ofHours(1));
        if (horizon.compareTo(MAX_HORIZON) > 0) throw s.child("horizon").error(horizon + " is longer than Graph allows (at most 61d)");
        Duration users = atLeast(s, "userRefreshInterval", d.userRefreshInterval(), Duration.ofMinutes(1));
        return new SyncConfig(calendar, call, horizon, users);
    }

    private static Duration atLeast(ConfigNode s, String key, Duration fallback, Duration min) {
        Duration d = s.duration(key, fallback);
        if (d.compareTo(min) < 0) throw s.child(key).error(d + " is shorter than the minimum " + min);
        return d;
    }

    private PublisherConfig publisher(ConfigNode p) {
        p.allowOnly("type", "log");
        String type = p.required("type").text();
        if (!type.equals("embedded")) throw p.child("type").error("'" + type + "' is not a publisher type (known: embedded)");
        return new PublisherConfig.Embedded(p.bool("log", true));
    }
}
