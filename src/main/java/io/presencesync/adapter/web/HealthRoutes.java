package io.presencesync.adapter.web;

import com.sun.net.httpserver.HttpExchange;
import io.presencesync.application.status.ServiceHealth;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /healthz}: liveness (the process answers and its scheduler was started and is not shut
 * down; no external checks). {@code /readyz}: the configuration is loaded (the server runs only
 * after it is), the scheduler runs, and every tenant's first sync is done: its user lookup finished
 * and every unit it made finished a calendar poll, or the lookup failed or found nobody (then the
 * tenant shows failing or degraded, and the node is still ready).
 */
final class HealthRoutes {

    private final ServiceHealth health;

    HealthRoutes(ServiceHealth health) { this.health = health; }

    void live(HttpExchange exchange) throws IOException {
        boolean alive = health.schedulerRunning();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", alive ? "alive" : "dead");
        if (!alive) body.put("reason", "the scheduler is not running");
        HttpResponses.json(exchange, alive ? 200 : 503, body);
    }

    void ready(HttpExchange exchange) throws IOException {
        String reason = notReadyReason(health);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", reason == null ? "ready" : "not ready");
        if (reason != null) body.put("reason", reason);
        Map<String, String> tenants = new LinkedHashMap<>();
        for (ServiceHealth.TenantHealth t : health.tenants()) tenants.put(t.name(), t.state().name().toLowerCase(java.util.Locale.ROOT));
        body.put("tenants", tenants);
        HttpResponses.json(exchange, reason == null ? 200 : 503, body);
    }

    /** Why the service is not ready, or null when it is. A failing tenant does not make it unready. */
    static String notReadyReason(ServiceHealth health) {
        if (!health.schedulerRunning()) return "the scheduler is not running";
        if (health.clustered()) return null; // the cluster syncs every tenant; this node may run none of a tenant's units
        List<String> waiting = health.tenants().stream().filter(t -> !t.firstSyncDone()).map(ServiceHealth.TenantHealth::name).toList();
        if (!waiting.isEmpty()) return "first sync not done yet for tenant(s) " + String.join(", ", waiting);
        return null;
    }
}
