package io.presencesync.adapter.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.presencesync.adapter.config.ApiConfig.Scope;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Every route of the API server passes here: the request rate of its caller (429 with Retry-After),
 * who the caller is (a bearer token, or a browser session; else 401), whether the caller's token has
 * the scope the route declares for the method (else 403), then the route. Writes need the
 * Authorization header: a session cookie, which a browser adds by itself, never authorises one, so a
 * forged cross-site request cannot write. Every write and every refused request is audited.
 */
final class AccessGuard {

    static final String SESSION_COOKIE = "presence-sync-session";

    private final TokenStore tokens;
    private final Sessions sessions;
    private final RequestRate rate;
    private final AuditLog audit;

    AccessGuard(TokenStore tokens, Sessions sessions, RequestRate rate, AuditLog audit) {
        this.tokens = tokens;
        this.sessions = sessions;
        this.rate = rate;
        this.audit = audit;
    }

    /** A route for callers whose token has the scope given for the request's method; other methods are 405. */
    HttpHandler protect(Map<String, Scope> scopes, ApiRequest.Route route, HttpServers.Route unauthenticated) {
        return HttpServers.answering(exchange -> {
            Optional<Caller> caller = authenticate(exchange);
            if (!admitted(exchange, caller.map(c -> "token " + c.name()).orElse("client " + client(exchange)), caller.orElse(null))) return;
            if (caller.isEmpty()) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"presence-sync\"");
                refuse(exchange, null, 401, unauthenticated, "no valid token (Authorization: Bearer …) or session");
                return;
            }
            Caller c = caller.get();
            Scope scope = scopes.get(exchange.getRequestMethod());
            if (scope == null) {
                exchange.getResponseHeaders().set("Allow", String.join(", ", new TreeSet<>(scopes.keySet())));
                refuse(exchange, c, 405, null, "method not allowed; use " + String.join(", ", new TreeSet<>(scopes.keySet())));
            } else if (!c.may(scope)) {
                refuse(exchange, c, 403, null, "token " + c.name() + " lacks the scope " + scope.name().toLowerCase(Locale.ROOT));
            } else if (scope == Scope.WRITE && c.session()) {
                refuse(exchange, c, 403, null, "a write needs the token in the Authorization header; a browser session may only read");
            } else {
                ApiRequest request = new ApiRequest(c);
                HttpServers.answering(e -> route.handle(e, request)).handle(exchange);
                int status = exchange.getResponseCode();
                if (scope == Scope.WRITE) {
                    String outcome = request.outcome() != null ? request.outcome() : status < 400 ? "done" : "failed";
                    audit.record(new AuditLog.Entry(false, c.name(), client(exchange), exchange.getRequestMethod(),
                            exchange.getRequestURI().getRawPath(), request.tenant(), request.user(), status, outcome));
                }
            }
        });
    }

    /** A route anyone may call (the login form), still within the request rate of the client's address. */
    HttpHandler open(HttpServers.Route route) {
        return HttpServers.answering(exchange -> {
            if (admitted(exchange, "client " + client(exchange), null)) route.handle(exchange);
        });
    }

    /** Answers and audits a request refused by a route of its own (a bad login). */
    void refuse(HttpExchange exchange, Caller caller, int status, HttpServers.Route page, String reason) throws IOException {
        audit(exchange, caller, status, reason);
        if (page != null && "GET".equals(exchange.getRequestMethod())) {
            page.handle(exchange);
        } else {
            HttpResponses.error(exchange, status, null, reason);
        }
    }

    private boolean admitted(HttpExchange exchange, String key, Caller caller) throws IOException {
        Duration wait = rate.admit(key);
        if (wait.isZero()) return true;
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        exchange.getResponseHeaders().set("Retry-After", String.valueOf(seconds));
        audit(exchange, caller, 429, "over the request rate of " + key);
        HttpResponses.error(exchange, 429, null, "too many requests; retry after " + seconds + " s");
        return false;
    }

    private Optional<Caller> authenticate(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header != null) {
            if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) return Optional.empty();
            return tokens.authenticate(header.substring(7).strip());
        }
        String session = cookie(exchange, SESSION_COOKIE);
        return session == null ? Optional.empty() : sessions.caller(session);
    }

    static String cookie(HttpExchange exchange, String name) {
        for (String header : exchange.getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).strip().equals(name)) return pair.substring(eq + 1).strip();
            }
        }
        return null;
    }

    /** A refusal: the route never ran, so the request named no tenant or user yet. */
    private void audit(HttpExchange exchange, Caller caller, int status, String reason) {
        audit.record(new AuditLog.Entry(true, caller == null ? null : caller.name(), client(exchange), exchange.getRequestMethod(),
                exchange.getRequestURI().getRawPath(), null, null, status, reason));
    }

    private static String client(HttpExchange exchange) {
        var address = exchange.getRemoteAddress().getAddress();
        return address == null ? exchange.getRemoteAddress().getHostString() : address.getHostAddress();
    }
}
