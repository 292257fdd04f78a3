package io.presencesync.adapter.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.presencesync.adapter.config.CredentialConfigTest.TestCertificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every key of the configuration, given a bad value in an otherwise valid file, makes the real
 * {@code validate} command exit with 2 and one line naming the field and the value, and never a
 * secret. The keys are not listed twice: {@link #everyKeyTheReadersAcceptHasACase()} asks the readers
 * which keys each mapping allows (an unknown key is refused with the list of the known ones) and
 * compares them with the cases.
 */
class ConfigurationErrorsTest {

    /** Every secret of the fixture holds this, so no output may. */
    static final String NEVER_SHOWN = "never-shown";
    static final String PFX_PASSWORD = NEVER_SHOWN + "-pfx-Pa55";
    static final String PROBE = "zzProbe";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern UNKNOWN_KEY = Pattern.compile("configuration error: (.*)" + PROBE + ": unknown key \\(known here: (.*)\\)\\R?");

    @TempDir
    static Path dir;
    static final Map<String, String> files = new HashMap<>();
    static final Map<String, String> env = new HashMap<>();
    static final AtomicInteger written = new AtomicInteger();

    @BeforeAll
    static void secretsAndCertificates() throws Exception {
        TestCertificate cert = TestCertificate.create(dir, "app", PFX_PASSWORD);
        files.put("pfx", cert.pfx().toString());
        files.put("pem", cert.pem().toString());
        files.put("tlsCert", write("tls.crt", cert.certificatePem()));
        files.put("tlsKey", write("tls.key", cert.privateKeyPem()));
        files.put("pfxPassword", write("pfx-password", PFX_PASSWORD + "\n"));
        files.put("wrongPfxPassword", write("wrong-pfx-password", NEVER_SHOWN + "-wrong\n"));
        for (String secret : List.of("clientSecret", "redisPassword", "bearerToken", "basicPassword", "xmppSecret", "dbPassword", "sipPassword")) {
            files.put(secret, write(secret, NEVER_SHOWN + "-" + secret + "\n"));
        }
        files.put("apiToken", write("api-token", NEVER_SHOWN + "-0123456789abcdef0123456789abcdef\n"));
        files.put("shortApiToken", write("short-api-token", NEVER_SHOWN + "\n"));
        files.put("blank", write("blank", " \n"));
        files.put("workloadToken", write("workload-token", NEVER_SHOWN + "-federated"));
        files.put("missing", dir.resolve("missing").toString());
        files.put("dir", dir.toString());
        env.put("AZURE_FEDERATED_TOKEN_FILE", files.get("workloadToken"));
        env.put("PFX_PASSWORD", PFX_PASSWORD);
        env.put("WRONG_PFX_PASSWORD", NEVER_SHOWN + "-wrong");
        for (String secret : List.of("CLIENT_SECRET", "REDIS_PASSWORD", "BEARER_TOKEN", "BASIC_PASSWORD", "XMPP_SECRET", "DB_PASSWORD", "SIP_PASSWORD")) {
            env.put(secret, NEVER_SHOWN + "-" + secret);
        }
        env.put("AZURE_CLIENT_SECRET", NEVER_SHOWN + "-azure");
    }

    private static String write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content).toString();
    }

    /** The smallest valid configuration: each case changes it where it must. */
    static final String MINIMAL = """
            tenants:
              - name: contoso
                tenantId: contoso.com
                clientId: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee
                credential: {type: clientSecret, secretFile: <clientSecret>}
                users: [anna@contoso.com]
            """;

    /**
     * Valid configurations that together hold every key (alternatives such as secretFile and
     * secretEnv in different ones): each of their mappings is asked for its keys.
     */
    static final List<String> EVERY_KEY = List.of("""
            tenants:
              - name: contoso
                tenantId: contoso.com
                clientId: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee
                cloud: global
                graphBaseUrl: https://graph.microsoft.com/v1.0
                authorityHost: https://login.microsoftonline.com
                credential: {type: clientSecret, secretFile: <clientSecret>}
                users: [anna@contoso.com]
                groups: [3c9d8e7f-1a2b-4c3d-8e9f-0a1b2c3d4e5f]
                rules: {tentative: busy, workingElsewhere: away, autoReplies: false, callActivities: [InACall]}
                graph: {schedulesPerRequest: 20}
              - name: fabrikam
                tenantId: 0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9
                clientId: 1b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9
                credential: {type: certificate, certificateFile: <pfx>, passwordFile: <pfxPassword>}
                users: [carl@fabrikam.com]
            sync: {calendarPollInterval: 60s, callStatePollInterval: 15s, horizon: 24h, userRefreshInterval: 15m, unitSize: 640, threads: 8}
            management: {bindAddress: 127.0.0.1, port: 8080}
            api:
              bindAddress: 127.0.0.1
              port: 8081
              tokens: [{name: uc-gateway, file: <apiToken>, scopes: [read, write]}]
              tls: {certificateFile: <tlsCert>, keyFile: <tlsKey>}
              limits: {requestsPerSecond: 20, burst: 100, eventStreamsPerToken: 4, sessionTimeout: 8h}
            publishers:
              - {type: embedded, log: false}
              - {type: redis, name: redis, uri: 'redis://127.0.0.1:6379/0', username: presence, passwordFile: <redisPassword>,
                 keyPrefix: 'ps:', ttl: 30m, stream: 'ps:changes', streamMaxLen: 1000, connectTimeout: 2s, timeout: 5s,
                 republishInterval: 10m, retryBackoff: 1s, maxRetryBackoff: 1m}
              - {type: http, name: store, url: 'https://store.example.com/p/{userId}', method: PUT, headers: {X-Source: presence-sync},
                 auth: {type: bearer, tokenFile: <bearerToken>}, connectTimeout: 2s, requestTimeout: 5s, maxInFlight: 16,
                 republishInterval: 10m, retryBackoff: 1s, maxRetryBackoff: 1m}
              - {type: http, name: basic-store, url: 'https://store.example.com/p', auth: {type: basic, username: presence, passwordFile: <basicPassword>}}
              - {type: sip, name: kamailio, proxy: 'kamailio.example.com:5060', transport: tcp, presentity: 'sip:{localpart}@uc.example.com',
                 expires: 10m, noteLanguage: de, timeZone: Europe/Berlin, username: presence-sync, passwordFile: <sipPassword>,
                 requestTimeout: 5s, maxInFlight: 32, republishInterval: 10m, retryBackoff: 1s, maxRetryBackoff: 1m}
            federation:
              xmpp: {host: xmpp.example.com, port: 5347, domain: presence.example.com, secretFile: <xmppSecret>, tls: false,
                     subscriptionPolicy: approveDomains, approvedDomains: [example.com], jidLocalPart: user,
                     subscribersFile: <dir>/xmpp/subscribers.log, stanzasPerSecond: 500, timeZone: Europe/Berlin, name: presence-sync,
                     reconnectBackoff: 1s, maxReconnectBackoff: 1m, maxSubscriptions: 1000}
            """, """
            tenants:
              - {name: a, tenantId: contoso.com, clientId: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee, users: [a@contoso.com],
                 credential: {type: clientSecret, secretEnv: CLIENT_SECRET}}
              - {name: b, tenantId: contoso.com, clientId: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee, users: [a@contoso.com],
                 credential: {type: certificate, certificateFile: <pfx>, passwordEnv: PFX_PASSWORD}}
              - {name: c, tenantId: contoso.com, clientId: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee, users: [a@contoso.com],
                 credential: {type: certificate, certificateFile: <pem>}}
              - {name: d, tenantId: contoso.com, clientId: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee, users: [a@contoso.com],
                 credential: {type: workloadIdentity}}
              - {name: e, tenantId: contoso.com, clientId: aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee, users: [a@contoso.com],
                 credential: {type: managedIdentity, clientId: 2b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9}}
            publishers:
              - {type: embedded}
              - {type: redis, uri: 'rediss://redis.example.com:6380/1', passwordEnv: REDIS_PASSWORD}
              - {type: http, url: 'https://store.example.com/p', auth: {type: bearer, tokenEnv: BEARER_TOKEN}}
              - {type: http, name: basic, url: 'https://store.example.com/p', auth: {type: basic, username: u, passwordEnv: BASIC_PASSWORD}}
              - {type: sip, proxy: kamailio.example.com, username: presence-sync, passwordEnv: SIP_PASSWORD}
            cluster: {jdbcUrl: 'jdbc:postgresql://db.example.com:5432/presence', username: presence, passwordFile: <dbPassword>,
                      checkinInterval: 5s, maxConnections: 20}
            federation:
              xmpp: {host: xmpp.example.com, domain: presence.example.com, secretEnv: XMPP_SECRET}
            """, MINIMAL + """
            publishers: [{type: redis, uri: 'redis://redis.example.com'}]
            cluster: {jdbcUrl: 'jdbc:postgresql://db.example.com/presence', username: presence, passwordEnv: DB_PASSWORD}
            """);

    /**
     * A bad value for {@code key}: {@code given} sets the surroundings it needs (path → YAML; null
     * removes the key), then {@code value} goes at the key's path with each {@code []} as {@code [0]}.
     * The error must start with that path (or {@code at}) and contain {@code message}; a scalar value
     * must be shown too (or what {@code shows} says, for a value holding a secret).
     */
    record Case(String key, String value, String message, Map<String, String> given, String at, String shows) {
        Case given(String path, String yaml) {
            Map<String, String> more = new LinkedHashMap<>(given);
            more.put(path, yaml);
            return new Case(key, value, message, more, at, shows);
        }

        Case at(String path) { return new Case(key, value, message, given, path, shows); }

        /** A value that holds a secret is named, not shown. */
        Case shows(String name) { return new Case(key, value, message, given, at, name); }

        String path() { return key.replace("[]", "[0]"); }

        @Override
        public String toString() { return key + ": " + value; }
    }

    static Case bad(String key, String value, String message) {
        return new Case(key, value, message, Map.of(), null, null);
    }

    static final String TLS = "{certificateFile: <tlsCert>, keyFile: <tlsKey>}";
    static final String XMPP = "{host: xmpp.example.com, domain: presence.example.com, secretFile: <xmppSecret>, subscribersFile: <dir>/xmpp/subscribers.log}";
    static final String REDIS = "[{type: redis, uri: 'redis://127.0.0.1:6379/0'}]";
    static final String HTTP = "[{type: http, url: 'https://store.example.com/p'}]";
    static final String SIP = "[{type: sip, proxy: kamailio.example.com}]";
    static final String CLUSTER = "{jdbcUrl: 'jdbc:postgresql://db.example.com/presence', username: presence}";

    static List<Case> cases() {
        return List.of(
                bad("tenants", "contoso", "expected a list, got 'contoso'"),
                bad("tenants[].name", "Contoso", "must be 1-40 lower-case letters, digits or '-'"),
                bad("tenants[].tenantId", "contoso", "is neither a directory id (GUID) nor a domain"),
                bad("tenants[].clientId", "contoso-app", "is not an application (client) id (GUID)"),
                bad("tenants[].cloud", "germany", "is not one of global, usgov, usgov-dod, china"),
                bad("tenants[].graphBaseUrl", "http://graph.microsoft.com/v1.0", "must be an https URL (http only for localhost)"),
                bad("tenants[].authorityHost", "http://login.microsoftonline.com", "must be an https URL"),
                bad("tenants[].credential", "secret", "expected a mapping (key: value), got 'secret'"),
                bad("tenants[].credential.type", "password", "is not a credential type (known: clientSecret, certificate, workloadIdentity, managedIdentity)"),
                bad("tenants[].credential.secretFile", "<missing>", "file not found: "),
                bad("tenants[].credential.secretEnv", "CONTOSO_UNSET", "environment variable CONTOSO_UNSET is not set")
                        .given("tenants[0].credential.secretFile", null),
                // a secret where a certificate belongs: refused without showing it
                bad("tenants[].credential.certificateFile", "<clientSecret>", "neither PEM (no -----BEGIN block) nor a readable PFX/PKCS#12 file")
                        .given("tenants[0].credential", "{type: certificate}"),
                bad("tenants[].credential.passwordFile", "<wrongPfxPassword>", "wrong password for ")
                        .given("tenants[0].credential", "{type: certificate, certificateFile: <pfx>}"),
                bad("tenants[].credential.passwordEnv", "WRONG_PFX_PASSWORD", "wrong password for ")
                        .given("tenants[0].credential", "{type: certificate, certificateFile: <pfx>}"),
                bad("tenants[].credential.clientId", "my-identity", "is not the client id (GUID) of a user-assigned managed identity")
                        .given("tenants[0].credential", "{type: managedIdentity}"),
                bad("tenants[].users", "[anna@contoso.com, ANNA@contoso.com]", "'ANNA@contoso.com' is listed twice").at("tenants[0].users[1]"),
                // a secret copied into a value by ${...}: refused by name, never by value
                bad("tenants[].users", "['${CLIENT_SECRET}']", "environment variable CLIENT_SECRET holds a secret").at("tenants[0].users[0]")
                        .given("tenants[0].credential", "{type: clientSecret, secretEnv: CLIENT_SECRET}"),
                bad("tenants[].users", "['${AZURE_CLIENT_SECRET}']", "environment variable AZURE_CLIENT_SECRET holds a secret").at("tenants[0].users[0]"),
                bad("tenants[].groups", "[sales]", "'sales' is not a group object id (GUID)").at("tenants[0].groups[0]"),
                bad("tenants[].rules", "strict", "expected a mapping (key: value), got 'strict'"),
                bad("tenants[].rules.tentative", "away", "is not one of none, busy"),
                bad("tenants[].rules.workingElsewhere", "free", "is not one of none, busy, away"),
                bad("tenants[].rules.autoReplies", "sometimes", "expected true or false, got 'sometimes'"),
                bad("tenants[].rules.callActivities", "[InAMeeting]", "'InAMeeting' is not a Teams call activity").at("tenants[0].rules.callActivities[0]"),
                bad("tenants[].graph", "beta", "expected a mapping (key: value), got 'beta'"),
                bad("tenants[].graph.schedulesPerRequest", "101", "101 is outside 1..100"),

                bad("sync", "fast", "expected a mapping (key: value), got 'fast'"),
                bad("sync.calendarPollInterval", "5s", "'5s' is shorter than the minimum 10s"),
                bad("sync.callStatePollInterval", "1s", "'1s' is shorter than the minimum 5s"),
                bad("sync.horizon", "90d", "'90d' is longer than Graph allows (at most 61d)"),
                bad("sync.userRefreshInterval", "30s", "'30s' is shorter than the minimum 1m"),
                bad("sync.unitSize", "0", "0 is outside 1..5000"),
                bad("sync.threads", "1000", "1000 is outside 1..256"),

                bad("management", "8080", "expected a mapping (key: value), got '8080'"),
                // what the bind would refuse, refused before it
                bad("management.bindAddress", "not..an..address", "is neither an IP address nor a host name that resolves (Unresolved address)"),
                bad("management.port", "70000", "70000 is outside 0..65535"),

                bad("api", "enabled", "expected a mapping (key: value), got 'enabled'"),
                bad("api.bindAddress", "192.0.2.1", "is not an address of this machine (Cannot assign requested address)"),
                bad("api.port", "8080", "8080 is the management port"),
                bad("api.tokens", "uc-gateway", "expected a list, got 'uc-gateway'"),
                bad("api.tokens[].name", "uc gateway", "must be 1-63 letters, digits, '.', '_' or '-'")
                        .given("api.tokens", "[{file: <apiToken>, scopes: [read]}]"),
                // a token too short to be safe: named by file and line, never shown
                bad("api.tokens[].file", "<shortApiToken>", "line 1: not a usable token")
                        .given("api.tokens", "[{name: uc-gateway, scopes: [read]}]"),
                bad("api.tokens[].scopes", "[admin]", "'admin' is not one of read, write").at("api.tokens[0].scopes[0]")
                        .given("api.tokens", "[{name: uc-gateway, file: <apiToken>}]"),
                bad("api.tls", "yes-please", "expected a mapping (key: value), got 'yes-please'"),
                bad("api.tls.certificateFile", "<clientSecret>", ": not a PEM certificate chain").given("api.tls", TLS),
                bad("api.tls.certificateFile", "<missing>", ": file not found").given("api.tls", TLS),
                bad("api.tls.keyFile", "<tlsCert>", ": no PEM private key (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY) found").given("api.tls", TLS),
                bad("api.limits", "none", "expected a mapping (key: value), got 'none'"),
                bad("api.limits.requestsPerSecond", "0", "0 is outside 1..100000"),
                bad("api.limits.burst", "0", "0 is outside 1..1000000"),
                bad("api.limits.eventStreamsPerToken", "33", "33 is outside 1..32"),
                bad("api.limits.sessionTimeout", "30s", "'30s' is shorter than the minimum 1m"),

                bad("cluster", "postgres", "expected a mapping (key: value), got 'postgres'").given("publishers", REDIS),
                bad("cluster.jdbcUrl", "postgresql://db/presence", "is not a PostgreSQL JDBC URL")
                        .given("publishers", REDIS).given("cluster", CLUSTER),
                bad("cluster.jdbcUrl", "'jdbc:postgresql://db.example.com:5432x/presence'", "is not a PostgreSQL JDBC URL")
                        .given("publishers", REDIS).given("cluster", CLUSTER),
                bad("cluster.jdbcUrl", "'jdbc:postgresql://db.example.com/presence?user=presence&password=never-shown-db'",
                        "must not carry the password: give passwordFile or passwordEnv").shows("cluster.jdbcUrl")
                        .given("publishers", REDIS).given("cluster", CLUSTER),
                bad("cluster.username", "''", "expected a non-empty text, got ''").given("publishers", REDIS).given("cluster", CLUSTER),
                bad("cluster.passwordFile", "<blank>", "file is empty: ").given("publishers", REDIS).given("cluster", CLUSTER),
                bad("cluster.passwordEnv", "DB_UNSET", "environment variable DB_UNSET is not set").given("publishers", REDIS).given("cluster", CLUSTER),
                bad("cluster.checkinInterval", "500ms", "'500ms' is shorter than the minimum 1s").given("publishers", REDIS).given("cluster", CLUSTER),
                bad("cluster.maxConnections", "5", "5 is outside 10..300").given("publishers", REDIS).given("cluster", CLUSTER),

                bad("federation", "xmpp", "expected a mapping (key: value), got 'xmpp'"),
                bad("federation.xmpp", "ejabberd", "expected a mapping (key: value), got 'ejabberd'"),
                bad("federation.xmpp.host", "not..a..host", "is neither a host name nor an IP address").given("federation.xmpp", XMPP),
                bad("federation.xmpp.port", "0", "0 is outside 1..65535").given("federation.xmpp", XMPP),
                bad("federation.xmpp.domain", "presence_contoso", "is not a domain name such as presence.contoso.com").given("federation.xmpp", XMPP),
                bad("federation.xmpp.secretFile", "<missing>", "file not found: ").given("federation.xmpp", XMPP),
                bad("federation.xmpp.secretEnv", "XMPP_UNSET", "environment variable XMPP_UNSET is not set")
                        .given("federation.xmpp", XMPP).given("federation.xmpp.secretFile", null),
                bad("federation.xmpp.tls", "maybe", "expected true or false, got 'maybe'").given("federation.xmpp", XMPP),
                bad("federation.xmpp.subscriptionPolicy", "approveSome", "is not one of approveAll, approveDomains, deny").given("federation.xmpp", XMPP),
                bad("federation.xmpp.approvedDomains", "[contoso_com]", "'contoso_com' is not a domain name").at("federation.xmpp.approvedDomains[0]")
                        .given("federation.xmpp", XMPP).given("federation.xmpp.subscriptionPolicy", "approveDomains"),
                bad("federation.xmpp.jidLocalPart", "upn", "is not one of user, address").given("federation.xmpp", XMPP),
                // a file of secrets where the subscribers belong: refused without quoting a line
                bad("federation.xmpp.subscribersFile", "<clientSecret>", "not a presence-sync-xmpp-subscribers file of version 1")
                        .given("federation.xmpp", XMPP),
                bad("federation.xmpp.subscribersFile", "<clientSecret>/subscribers.log", "is not a directory").given("federation.xmpp", XMPP),
                bad("federation.xmpp.stanzasPerSecond", "0", "0 is outside 1..100000").given("federation.xmpp", XMPP),
                bad("federation.xmpp.timeZone", "Mars/Olympus", "is not a time zone such as Europe/Berlin").given("federation.xmpp", XMPP),
                bad("federation.xmpp.name", "''", "expected a non-empty text, got ''").given("federation.xmpp", XMPP),
                bad("federation.xmpp.reconnectBackoff", "10ms", "'10ms' is shorter than the minimum 100ms").given("federation.xmpp", XMPP),
                bad("federation.xmpp.maxReconnectBackoff", "500ms", "'500ms' is shorter than reconnectBackoff 1s").given("federation.xmpp", XMPP),
                bad("federation.xmpp.maxSubscriptions", "0", "0 is outside 1..50000000").given("federation.xmpp", XMPP),

                bad("publishers", "redis", "expected a list, got 'redis'"),
                bad("publishers[].type", "kafka", "is not a publisher type (known: embedded, redis, http, sip)").given("publishers", "[{}]"),
                bad("publishers[].log", "verbose", "expected true or false, got 'verbose'").given("publishers", "[{type: embedded}]"),
                bad("publishers[].name", "Redis_1", "must be 1-40 lower-case letters, digits or '-'").given("publishers", REDIS),
                bad("publishers[].uri", "http://redis.example.com:6379", "must be a redis:// or rediss:// (TLS) URI").given("publishers", REDIS),
                bad("publishers[].uri", "'redis://127.0.0.1:99999/0'", "port 99999 is outside 1..65535").given("publishers", REDIS),
                bad("publishers[].username", "''", "expected a non-empty text, got ''").given("publishers", REDIS),
                bad("publishers[].passwordFile", "<missing>", "file not found: ").given("publishers", REDIS),
                bad("publishers[].passwordEnv", "REDIS_UNSET", "environment variable REDIS_UNSET is not set").given("publishers", REDIS),
                bad("publishers[].keyPrefix", "'presence sync:'", "must not contain spaces").given("publishers", REDIS),
                bad("publishers[].ttl", "500ms", "'500ms' is shorter than the minimum 1s").given("publishers", REDIS),
                bad("publishers[].stream", "''", "expected a non-empty text, got ''").given("publishers", REDIS),
                bad("publishers[].streamMaxLen", "-1", "'-1' is not a positive whole number").given("publishers", REDIS),
                bad("publishers[].connectTimeout", "50ms", "'50ms' is shorter than the minimum 100ms").given("publishers", REDIS),
                bad("publishers[].timeout", "10ms", "'10ms' is shorter than the minimum 100ms").given("publishers", REDIS),
                bad("publishers[].republishInterval", "5s", "'5s' is shorter than the minimum 10s").given("publishers", HTTP),
                bad("publishers[].retryBackoff", "1ms", "'1ms' is shorter than the minimum 10ms").given("publishers", HTTP),
                bad("publishers[].maxRetryBackoff", "1s", "'1s' is shorter than retryBackoff 5s")
                        .given("publishers", HTTP).given("publishers[0].retryBackoff", "5s"),
                bad("publishers[].url", "ftp://store.example.com/p", "must be an http:// or https:// URL").given("publishers", HTTP),
                bad("publishers[].url", "'https://store.example.com:0/p'", "port 0 is outside 1..65535").given("publishers", HTTP),
                bad("publishers[].method", "DELETE", "is not one of PUT, POST").given("publishers", HTTP),
                bad("publishers[].proxy", "'sip:kamailio'", "is not host:port (e.g. sip.example.com:5060 or 10.0.0.5)").given("publishers", SIP),
                bad("publishers[].proxy", "'kamailio:70000'", "port 70000 is outside 1..65535").given("publishers", SIP),
                bad("publishers[].transport", "sctp", "is not a transport (known: udp, tcp)").given("publishers", SIP),
                bad("publishers[].presentity", "'tel:{localpart}'", "must start with sip:").given("publishers", SIP),
                bad("publishers[].presentity", "'sip:office@{domain}'", "names no user: use {address} or {localpart}").given("publishers", SIP),
                bad("publishers[].expires", "5s", "'5s' is shorter than the minimum 10s").given("publishers", SIP),
                bad("publishers[].expires", "2d", "'2d' is longer than the maximum 24h").given("publishers", SIP),
                bad("publishers[].noteLanguage", "fr", "is not a note language (known: en, de)").given("publishers", SIP),
                bad("publishers[].timeZone", "Mars/Olympus", "is not a time zone such as Europe/Berlin").given("publishers", SIP),
                bad("publishers[].maxInFlight", "0", "0 is outside 1..256").given("publishers", SIP),
                bad("publishers[].maxInFlight", "many", "expected a whole number").given("publishers", SIP),
                bad("publishers[].maxInFlight", "300", "300 is outside 1..256").given("publishers", HTTP),
                bad("publishers[].headers", "{Authorization: Bearer abc}", "set by the publisher itself").at("publishers[0].headers.Authorization")
                        .given("publishers", HTTP),
                bad("publishers[].requestTimeout", "10ms", "'10ms' is shorter than the minimum 100ms").given("publishers", HTTP),
                bad("publishers[].auth", "bearer", "expected a mapping (key: value), got 'bearer'").given("publishers", HTTP),
                bad("publishers[].auth.type", "digest", "is not an auth type (known: bearer, basic)").given("publishers", HTTP),
                bad("publishers[].auth.tokenFile", "<blank>", "file is empty: ")
                        .given("publishers", HTTP).given("publishers[0].auth", "{type: bearer}"),
                bad("publishers[].auth.tokenEnv", "TOKEN_UNSET", "environment variable TOKEN_UNSET is not set")
                        .given("publishers", HTTP).given("publishers[0].auth", "{type: bearer}"),
                bad("publishers[].auth.username", "svc:presence", "a basic-auth username cannot contain ':'")
                        .given("publishers", HTTP).given("publishers[0].auth", "{type: basic, passwordFile: <basicPassword>}"),
                bad("publishers[].auth.passwordFile", "<missing>", "file not found: ")
                        .given("publishers", HTTP).given("publishers[0].auth", "{type: basic, username: presence}"),
                bad("publishers[].auth.passwordEnv", "BASIC_UNSET", "environment variable BASIC_UNSET is not set")
                        .given("publishers", HTTP).given("publishers[0].auth", "{type: basic, username: presence}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aBadValueExitsWithTwoNamingTheFieldAndTheValueButNoSecret(Case c) {
        ObjectNode config = (ObjectNode) parse(MINIMAL);
        c.given().forEach((path, yaml) -> set(config, path, yaml == null ? null : parse(yaml)));
        JsonNode value = parse(c.value());
        set(config, c.path(), value);

        Validation v = validate(config);

        assertThat(v.exitCode()).as(v.err()).isEqualTo(Main.CONFIG_ERROR);
        assertThat(v.out()).isEmpty();
        assertThat(v.err()).startsWith("configuration error: " + (c.at() != null ? c.at() : c.path()) + ": ")
                .contains(c.message())
                .endsWith(System.lineSeparator())
                .hasLineCount(1)
                .doesNotContain(NEVER_SHOWN);
        if (c.shows() != null) assertThat(v.err()).contains(c.shows());
        else if (value.isValueNode()) assertThat(v.err()).contains(value.asText());
    }

    private static TreeSet<String> allowedKeys;

    /** The keys each mapping of the configurations allows, as the readers list them when refusing an unknown key. */
    static synchronized TreeSet<String> keysTheReadersAllow() {
        if (allowedKeys == null) allowedKeys = askTheReaders();
        return allowedKeys;
    }

    private static TreeSet<String> askTheReaders() {
        TreeSet<String> keys = new TreeSet<>();
        for (String yaml : EVERY_KEY) {
            JsonNode config = parse(yaml);
            Validation whole = validate(config);
            assertThat(whole.exitCode()).as("a configuration of EVERY_KEY is valid: " + whole.err()).isZero();
            for (String mapping : mappings(config, "")) {
                JsonNode probed = config.deepCopy();
                set((ObjectNode) probed, mapping.isEmpty() ? PROBE : mapping + "." + PROBE, parse("1"));
                Validation v = validate(probed);
                if (v.exitCode() == 0) continue; // a mapping of free keys (HTTP headers)
                Matcher m = UNKNOWN_KEY.matcher(v.err());
                assertThat(m.matches()).as("probing " + mapping + ": " + v.err()).isTrue();
                String parent = m.group(1).replaceAll("\\[\\d+]", "[]");
                for (String key : m.group(2).split(", ")) keys.add(parent + key);
            }
        }
        return keys;
    }

    @Test
    void everyKeyTheReadersAcceptHasACase() {
        TreeSet<String> allowed = keysTheReadersAllow();
        TreeSet<String> covered = cases().stream().map(Case::key).collect(Collectors.toCollection(TreeSet::new));
        assertThat(allowed.stream().filter(k -> !covered.contains(k)).toList()).as("keys without a case of a bad value").isEmpty();
        assertThat(covered.stream().filter(k -> !allowed.contains(k)).toList()).as("cases of keys no reader allows").isEmpty();
        // so a new mapping's own keys are asked for too
        TreeSet<String> inExamples = new TreeSet<>();
        for (String yaml : EVERY_KEY) inExamples.addAll(keyPaths(parse(yaml), ""));
        assertThat(inExamples).as("keys set in EVERY_KEY").containsAll(allowed);
    }

    @Test
    void everyKeyIsInTheConfigurationReference() throws IOException {
        String reference = Files.readString(Path.of("docs/configuration.md"));
        List<String> missing = keysTheReadersAllow().stream()
                .filter(key -> !reference.contains("`" + key + "`") && !reference.contains("`" + key + ".") && !reference.contains("`" + key + "["))
                .toList();
        assertThat(missing).as("keys not in docs/configuration.md").isEmpty();
    }

    record Validation(int exitCode, String out, String err) {}

    static Validation validate(JsonNode config) {
        try {
            Path file = dir.resolve("config-" + written.incrementAndGet() + ".yaml");
            YAML.writeValue(file.toFile(), config);
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cli = Main.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            cli.getSubcommands().get("validate").<ValidateCommand>getCommand().config.env = env;
            int code = cli.execute("validate", "--config", file.toString());
            return new Validation(code, out.toString(), err.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** YAML with each {@code <name>} replaced by that fixture file's path. */
    static JsonNode parse(String yaml) {
        String text = yaml;
        for (var f : files.entrySet()) text = text.replace("<" + f.getKey() + ">", f.getValue());
        try {
            return YAML.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sets (or, with null, removes) the value at a path such as {@code publishers[0].auth.type}, making the mappings on the way. */
    static void set(ObjectNode root, String path, JsonNode value) {
        String[] steps = path.split("\\.");
        JsonNode node = root;
        for (int i = 0; i < steps.length; i++) {
            Matcher m = Pattern.compile("([^\\[]+)(?:\\[(\\d+)])?").matcher(steps[i]);
            assertThat(m.matches()).as(path).isTrue();
            ObjectNode parent = (ObjectNode) node;
            boolean last = i == steps.length - 1;
            if (m.group(2) == null) {
                if (last) {
                    if (value == null) parent.remove(m.group(1));
                    else parent.set(m.group(1), value);
                    return;
                }
                if (!(parent.get(m.group(1)) instanceof ObjectNode)) parent.putObject(m.group(1));
                node = parent.get(m.group(1));
            } else {
                ArrayNode list = parent.get(m.group(1)) instanceof ArrayNode a ? a : parent.putArray(m.group(1));
                int index = Integer.parseInt(m.group(2));
                while (list.size() <= index) list.addObject();
                if (last) {
                    list.set(index, value);
                    return;
                }
                node = list.get(index);
            }
        }
    }

    /** The paths of every mapping in the tree ("" for the root), list items with their index. */
    static List<String> mappings(JsonNode node, String path) {
        List<String> out = new ArrayList<>();
        if (node.isObject()) {
            out.add(path);
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                var e = it.next();
                out.addAll(mappings(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey()));
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) out.addAll(mappings(node.get(i), path + "[" + i + "]"));
        }
        return out;
    }

    /** Every key set in the tree, as the readers name it ({@code tenants[].credential.type}). */
    static List<String> keyPaths(JsonNode node, String path) {
        List<String> out = new ArrayList<>();
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                var e = it.next();
                String key = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                out.add(key);
                out.addAll(keyPaths(e.getValue(), key));
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) out.addAll(keyPaths(item, path + "[]"));
        }
        return out;
    }
}
