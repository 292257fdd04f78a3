package io.presencesync.adapter.web;

import com.sun.net.httpserver.HttpExchange;
import io.presencesync.adapter.publisher.EmbeddedPresenceStore;
import io.presencesync.application.explain.ServiceExplainer;
import io.presencesync.application.explain.UserExplainer;
import io.presencesync.application.explain.UserExplanation;
import io.presencesync.domain.ManualPresence;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded store's REST API: list presences (paged), read one user's (by object id or UPN),
 * explain it, and set a user's manual presence with an optional profile.
 */
final class PresenceApi {

    static final String PREFIX = "/api/presences";
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    static final int MAX_BODY = 16 * 1024;

    private final EmbeddedPresenceStore store;
    private final PresenceDirectory directory;
    private final List<String> tenants;
    private final Clock clock;
    private final UserExplainer explainer;

    PresenceApi(EmbeddedPresenceStore store, PresenceDirectory directory, List<String> tenants, Clock clock, UserExplainer explainer) {
        this.store = store;
        this.directory = directory;
        this.tenants = List.copyOf(tenants);
        this.clock = clock;
        this.explainer = explainer;
    }

    void handle(HttpExchange exchange, ApiRequest request) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String[] parts = path.substring(PREFIX.length()).split("/", -1);
        String method = exchange.getRequestMethod();
        if (parts.length <= 1 && parts[0].isEmpty()) {
            if (!isRead(method)) throw new MethodNotAllowed("GET");
            list(exchange);
        } else if (parts.length == 3 && !parts[1].isEmpty() && !parts[2].isEmpty()) {
            if (!isRead(method)) throw new MethodNotAllowed("GET");
            get(exchange, parts[1], parts[2]);
        } else if (parts.length == 4 && "explain".equals(parts[3]) && !parts[1].isEmpty() && !parts[2].isEmpty()) {
            if (!isRead(method)) throw new MethodNotAllowed("GET");
            explain(exchange, parts[1], parts[2]);
        } else if (parts.length == 4 && "manual".equals(parts[3]) && !parts[1].isEmpty() && !parts[2].isEmpty()) {
            if (!"PUT".equals(method)) throw new MethodNotAllowed("PUT");
            putManual(exchange, request, parts[1], parts[2]);
        } else {
            HttpResponses.error(exchange, 404, null, "no such resource " + path + "; see " + PREFIX + ", "
                    + PREFIX + "/{tenant}/{userIdOrUpn}, " + PREFIX + "/{tenant}/{userIdOrUpn}/explain and " + PREFIX
                    + "/{tenant}/{userIdOrUpn}/manual");
        }
    }

    private void list(HttpExchange exchange) throws IOException {
        QueryParameters params = QueryParameters.of(exchange.getRequestURI());
        String tenant = params.text("tenant");
        if (tenant != null) knownTenant(tenant);
        int offset = params.number("offset", 0, Integer.MAX_VALUE);
        int limit = params.number("limit", DEFAULT_LIMIT, MAX_LIMIT);
        PresenceDirectory.Page page = directory.page(tenant, params.text("q"), offset, limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("total", page.total());
        body.put("offset", page.offset());
        body.put("limit", page.limit());
        body.put("items", page.rows().stream().map(r -> PresenceJson.of(r.tenant(), r.entry())).toList());
        HttpResponses.json(exchange, 200, body);
    }

    private void get(HttpExchange exchange, String tenant, String user) throws IOException {
        PresenceDirectory.Row row = find(tenant, user);
        if (row == null) {
            HttpResponses.error(exchange, 404, null, unknownUser(tenant, user));
            return;
        }
        HttpResponses.json(exchange, 200, PresenceJson.of(tenant, row.entry()));
    }

    /**
     * Why the user shows what they show: 200 with the explanation, 404 for a user the sync does not
     * run, 503 with Retry-After while a run holds the user's unit (the answer is read from its state).
     */
    private void explain(HttpExchange exchange, String tenant, String user) throws IOException {
        knownTenant(tenant);
        ServiceExplainer.Answer answer = explainer.explain(tenant, user);
        if (answer instanceof ServiceExplainer.Found found) {
            UserExplanation x = found.explanation();
            HttpResponses.json(exchange, 200, ExplanationJson.of(x, store.get(tenant, x.user().id()).orElse(null)));
        } else if (answer instanceof ServiceExplainer.NotSynchronised none) {
            HttpResponses.error(exchange, 404, null, none.reason());
        } else {
            exchange.getResponseHeaders().set("Retry-After", "1");
            HttpResponses.error(exchange, 503, null, "sync unit " + ((ServiceExplainer.UnitBusy) answer).unit()
                    + " of tenant " + tenant + " is running right now; ask again in a second");
        }
    }

    private void putManual(HttpExchange exchange, ApiRequest request, String tenant, String user) throws IOException {
        request.about(tenant, user);
        String body = readBody(exchange);
        PresenceDirectory.Row row = find(tenant, user);
        if (row == null) {
            HttpResponses.error(exchange, 404, null, unknownUser(tenant, user));
            return;
        }
        ManualPresence manual = ManualPresenceRequest.parse(body, clock.instant());
        store.setManual(tenant, row.entry().user(), manual);
        request.outcome("manual presence set to " + manual.state() + (manual.profile() == null ? "" : " with a profile"));
        HttpResponses.json(exchange, 200, PresenceJson.of(tenant, store.get(tenant, row.entry().user().id()).orElseThrow()));
    }

    private PresenceDirectory.Row find(String tenant, String user) {
        knownTenant(tenant);
        return directory.find(tenant, user).orElse(null);
    }

    private void knownTenant(String tenant) {
        if (!tenants.contains(tenant)) throw new BadRequest("tenant", "unknown tenant \"" + tenant + "\"; configured: " + String.join(", ", tenants));
    }

    private static String unknownUser(String tenant, String user) {
        return "no user \"" + user + "\" in tenant " + tenant + " (by object id or UPN); the store knows the users the service synchronises";
    }

    private static boolean isRead(String method) { return "GET".equals(method) || "HEAD".equals(method); }

    private static String readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) throw new BadRequest(null, "the body is larger than " + MAX_BODY + " bytes");
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** A known resource asked with the wrong method: 405 with the allowed one. */
    static final class MethodNotAllowed extends RuntimeException {
        final String allowed;

        MethodNotAllowed(String allowed) {
            super("method not allowed; use " + allowed);
            this.allowed = allowed;
        }
    }
}
