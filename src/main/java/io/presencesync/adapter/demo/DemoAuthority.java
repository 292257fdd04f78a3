package io.presencesync.adapter.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The demo tenant's Entra ID: the client-credentials token endpoint, its OpenID metadata, and the
 * check that a Graph request carries a token issued here and not yet expired.
 */
final class DemoAuthority {

    static final Duration TOKEN_LIFETIME = Duration.ofSeconds(3599);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String host;
    private final String tenantId;
    private final String tenantDomain;
    private final String clientId;
    private final String clientSecret;
    private final Clock clock;
    private final Map<String, Instant> issued = new ConcurrentHashMap<>();

    DemoAuthority(String host, String tenantId, String tenantDomain, String clientId, String clientSecret, Clock clock) {
        this.host = host;
        this.tenantId = tenantId;
        this.tenantDomain = tenantDomain;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.clock = clock;
    }

    static String randomSecret() { return random(30); }

    /** {@code POST /{tenant}/oauth2/v2.0/token}, the checks in the order Entra makes them. */
    DemoReply token(String tenant, DemoRequest request) {
        Instant now = clock.instant();
        if (!knownTenant(tenant)) {
            return DemoReply.aadError(400, "invalid_request", 90002, "Tenant '" + tenant + "' not found. Check to make sure "
                    + "you have the correct tenant ID and are signing into the correct cloud.", now);
        }
        Map<String, String> form = request.form();
        String[] basic = basicCredentials(request.header("Authorization"));
        String id = basic != null ? basic[0] : form.get("client_id");
        String secret = basic != null ? basic[1] : form.get("client_secret");
        if (!"client_credentials".equals(form.get("grant_type"))) {
            return DemoReply.aadError(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type '"
                    + form.get("grant_type") + "'. The demo tenant grants client_credentials only.", now);
        }
        if (!clientId.equalsIgnoreCase(String.valueOf(id))) {
            return DemoReply.aadError(400, "unauthorized_client", 700016, "Application with identifier '" + id
                    + "' was not found in the directory '" + tenantDomain + "'.", now);
        }
        if (secret == null || secret.isEmpty()) {
            return DemoReply.aadError(401, "invalid_client", 7000218, "The request body must contain the following "
                    + "parameter: 'client_assertion' or 'client_secret'.", now);
        }
        if (!constantTimeEquals(secret, clientSecret)) {
            return DemoReply.aadError(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret "
                    + "being sent in the request is the client secret value, not the client secret ID, for a secret added "
                    + "to app '" + clientId + "'.", now);
        }
        // MSAL adds "openid profile offline_access" even for client credentials; Entra ignores them.
        String scope = form.getOrDefault("scope", "");
        if (Arrays.stream(scope.split(" ")).noneMatch(s -> s.endsWith("/.default"))) {
            return DemoReply.aadError(400, "invalid_scope", 1002012, "The provided value for scope " + scope + " is not "
                    + "valid. Client credential flows must have a scope value with /.default suffixed to the resource "
                    + "identifier (application ID URI).", now);
        }
        return DemoReply.ok(issue(now));
    }

    /** {@code GET /{tenant}/v2.0/.well-known/openid-configuration}. */
    DemoReply openIdConfiguration(String tenant) {
        if (!knownTenant(tenant)) {
            return DemoReply.aadError(400, "invalid_tenant", 90002, "Tenant '" + tenant + "' not found.", clock.instant());
        }
        String base = host + "/" + tenantId;
        ObjectNode body = DemoReply.JSON.createObjectNode()
                .put("issuer", base + "/v2.0")
                .put("token_endpoint", base + "/oauth2/v2.0/token")
                .put("authorization_endpoint", base + "/oauth2/v2.0/authorize")
                .put("device_authorization_endpoint", base + "/oauth2/v2.0/devicecode")
                .put("end_session_endpoint", base + "/oauth2/v2.0/logout")
                .put("jwks_uri", host + "/" + tenantId + "/discovery/v2.0/keys")
                .put("tenant_region_scope", "EU")
                .put("cloud_instance_name", "microsoftonline.com")
                .put("msgraph_host", "graph.microsoft.com");
        body.putArray("token_endpoint_auth_methods_supported").add("client_secret_post").add("client_secret_basic").add("private_key_jwt");
        body.putArray("response_types_supported").add("code").add("id_token").add("code id_token").add("id_token token");
        body.putArray("scopes_supported").add("openid").add("profile").add("email").add("offline_access");
        body.putArray("subject_types_supported").add("pairwise");
        body.putArray("id_token_signing_alg_values_supported").add("RS256");
        return DemoReply.ok(body);
    }

    /** {@code GET /common/discovery/instance}: this host is its own, only alias. */
    DemoReply instanceDiscovery() {
        String authority = host.substring(host.indexOf("://") + 3);
        ObjectNode body = DemoReply.JSON.createObjectNode()
                .put("tenant_discovery_endpoint", host + "/" + tenantId + "/v2.0/.well-known/openid-configuration")
                .put("api-version", "1.1");
        ObjectNode metadata = body.putArray("metadata").addObject()
                .put("preferred_network", authority)
                .put("preferred_cache", authority);
        metadata.putArray("aliases").add(authority);
        return DemoReply.ok(body);
    }

    /** Empty when the Authorization header carries a live token issued here, else the Graph-style 401. */
    Optional<DemoReply> rejectUnauthenticated(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.length() == 7) {
            return Optional.of(unauthenticated("Access token is empty."));
        }
        Instant expires = issued.get(authorization.substring(7).trim());
        if (expires == null) return Optional.of(unauthenticated("Access token validation failure. Invalid audience."));
        if (!clock.instant().isBefore(expires)) return Optional.of(unauthenticated("Lifetime validation failed, the token is expired."));
        return Optional.empty();
    }

    private ObjectNode issue(Instant now) {
        issued.values().removeIf(expires -> !now.isBefore(expires));
        String token = "demo." + random(32);
        issued.put(token, now.plus(TOKEN_LIFETIME));
        return DemoReply.JSON.createObjectNode()
                .put("token_type", "Bearer")
                .put("expires_in", TOKEN_LIFETIME.toSeconds())
                .put("ext_expires_in", TOKEN_LIFETIME.toSeconds())
                .put("access_token", token);
    }

    private boolean knownTenant(String tenant) {
        return tenantId.equalsIgnoreCase(tenant) || tenantDomain.equalsIgnoreCase(tenant);
    }

    private static DemoReply unauthenticated(String message) {
        return DemoReply.graphError(401, "InvalidAuthenticationToken", message);
    }

    /** client_secret_basic: {@code Authorization: Basic base64(id:secret)}; null when absent or malformed. */
    private static String[] basicCredentials(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) return null;
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
