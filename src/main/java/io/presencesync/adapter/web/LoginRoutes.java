package io.presencesync.adapter.web;

import com.sun.net.httpserver.HttpExchange;
import io.presencesync.adapter.http.QueryString;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The browser's way in: {@code GET /login} shows a form for a token, {@code POST /login} checks it and
 * sets a session cookie (HttpOnly, SameSite=Strict, Secure over TLS; its value a random id, not the
 * token), {@code GET /login?code=…} does the same with a one-time code (the demo's link), and
 * {@code POST /logout} ends the session. A form post from another site is refused (Origin), so no
 * site can sign a browser in or out behind the admin's back.
 */
final class LoginRoutes {

    static final int MAX_FORM_BYTES = 4096;

    private final Sessions sessions;
    private final AccessGuard guard;
    private final boolean secure;

    LoginRoutes(Sessions sessions, AccessGuard guard, boolean secure) {
        this.sessions = sessions;
        this.guard = guard;
        this.secure = secure;
    }

    void login(HttpExchange exchange) throws IOException {
        switch (exchange.getRequestMethod()) {
            case "GET", "HEAD" -> {
                String code = QueryParameters.of(exchange.getRequestURI()).text("code");
                if (code == null) {
                    form(exchange, 200, null);
                    return;
                }
                Optional<String> session = sessions.redeem(code);
                if (session.isPresent()) signedIn(exchange, session.get());
                else guard.refuse(exchange, null, 401, e -> form(e, 401, "That login link was used or has expired: sign in with your token."),
                        "login link used, expired or unknown");
            }
            case "POST" -> {
                if (!sameOrigin(exchange)) {
                    guard.refuse(exchange, null, 403, null, "login form posted from another site");
                    return;
                }
                String token = form(exchange).get("token");
                Optional<String> session = token == null ? Optional.empty() : sessions.open(token.strip());
                if (session.isPresent()) {
                    signedIn(exchange, session.get());
                } else {
                    guard.refuse(exchange, null, 401, null, "login with an unknown token");
                }
            }
            default -> throw new PresenceApi.MethodNotAllowed("GET, POST");
        }
    }

    void logout(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) throw new PresenceApi.MethodNotAllowed("POST");
        if (!sameOrigin(exchange)) {
            guard.refuse(exchange, null, 403, null, "logout posted from another site");
            return;
        }
        String session = AccessGuard.cookie(exchange, AccessGuard.SESSION_COOKIE);
        if (session != null) sessions.close(session);
        exchange.getResponseHeaders().add("Set-Cookie", cookie("", 0));
        HttpResponses.redirect(exchange, "/login");
    }

    /** The login form, with a note when a sign-in failed. Also the page of a browser that asks for the status page unauthenticated. */
    static void form(HttpExchange exchange, int status, String problem) throws IOException {
        HttpResponses.html(exchange, status, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>presence-sync: sign in</title>"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><style>body{font-family:system-ui,sans-serif;margin:4rem auto;"
                + "max-width:28rem;color:#222}input,button{font:inherit;padding:.4rem;margin:.3rem 0;width:100%;box-sizing:border-box}"
                + ".problem{color:#b00020}</style></head><body><h1>presence-sync</h1>"
                + (problem == null ? "" : "<p class=\"problem\">" + Html.escape(problem) + "</p>")
                + "<form method=\"post\" action=\"/login\"><label for=\"token\">API token with the read scope</label>"
                + "<input type=\"password\" id=\"token\" name=\"token\" autocomplete=\"off\" required autofocus>"
                + "<button type=\"submit\">Sign in</button></form></body></html>");
    }

    private void signedIn(HttpExchange exchange, String session) throws IOException {
        exchange.getResponseHeaders().add("Set-Cookie", cookie(session, sessions.timeout().toSeconds()));
        HttpResponses.redirect(exchange, "/");
    }

    private String cookie(String value, long maxAgeSeconds) {
        return AccessGuard.SESSION_COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** A browser names the page's origin on a form post; a post without Origin comes from no browser page. */
    private static boolean sameOrigin(HttpExchange exchange) {
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        if (origin == null) return !"cross-site".equals(exchange.getRequestHeaders().getFirst("Sec-Fetch-Site"));
        String host = exchange.getRequestHeaders().getFirst("Host");
        String scheme = exchange instanceof com.sun.net.httpserver.HttpsExchange ? "https://" : "http://";
        return host != null && origin.equals(scheme + host);
    }

    private static Map<String, String> form(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_FORM_BYTES + 1);
        }
        if (body.length > MAX_FORM_BYTES) throw new BadRequest(null, "the form is larger than " + MAX_FORM_BYTES + " bytes");
        try {
            return QueryString.parse(new String(body, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new BadRequest(null, "malformed form: " + e.getMessage());
        }
    }
}
