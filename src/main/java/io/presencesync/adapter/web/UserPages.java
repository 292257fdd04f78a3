package io.presencesync.adapter.web;

import com.sun.net.httpserver.HttpExchange;
import io.presencesync.adapter.publisher.EmbeddedPresenceStore;
import io.presencesync.application.explain.ServiceExplainer;
import io.presencesync.application.explain.UserExplainer;
import io.presencesync.application.explain.UserExplanation;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** {@code /users/{tenant}/{userIdOrUpn}}: the user page ({@link UserPage}), linked from the status page. */
final class UserPages {

    static final String PREFIX = "/users/";

    private final EmbeddedPresenceStore store;
    private final List<String> tenants;
    private final UserExplainer explainer;

    UserPages(EmbeddedPresenceStore store, List<String> tenants, UserExplainer explainer) {
        this.store = store;
        this.tenants = List.copyOf(tenants);
        this.explainer = explainer;
    }

    /** The link to a user's page. */
    static String path(String tenant, String userId) {
        return PREFIX + segment(tenant) + "/" + segment(userId);
    }

    /** A path segment: form encoding, but a space is %20 in a path, not +. */
    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    void handle(HttpExchange exchange, ApiRequest request) throws IOException {
        String[] parts = exchange.getRequestURI().getPath().substring(PREFIX.length()).split("/", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            page(exchange, 404, "No such page: a user's page is " + PREFIX + "{tenant}/{userIdOrUpn}.");
            return;
        }
        if (!tenants.contains(parts[0])) {
            page(exchange, 404, "Unknown tenant \"" + parts[0] + "\"; configured: " + String.join(", ", tenants) + ".");
            return;
        }
        ServiceExplainer.Answer answer = explainer.explain(parts[0], parts[1]);
        if (answer instanceof ServiceExplainer.Found found) {
            UserExplanation x = found.explanation();
            HttpResponses.html(exchange, 200, UserPage.render(x, store.get(x.tenant(), x.user().id()).orElse(null), request.caller()));
        } else if (answer instanceof ServiceExplainer.NotSynchronised none) {
            page(exchange, 404, none.reason() + ".");
        } else {
            exchange.getResponseHeaders().set("Retry-After", "1");
            page(exchange, 503, "The user's sync unit is running right now: reload in a second.");
        }
    }

    private static void page(HttpExchange exchange, int status, String message) throws IOException {
        HttpResponses.html(exchange, status, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>presence-sync</title><style>"
                + StatusPage.CSS + "</style></head><body><main><section><h2>" + Html.escape(message)
                + "</h2><p><a href=\"/\">Back to the status page</a></p></section></main></body></html>");
    }
}
