package io.presencesync.adapter.web;

import io.presencesync.adapter.config.ApiConfig.Scope;

import java.util.Set;

/**
 * Who sent a request: the configured token's name (never the token) and its scopes.
 *
 * @param session true when the request came with a browser session cookie rather than an Authorization header
 */
record Caller(String name, Set<Scope> scopes, boolean session) {
    Caller {
        scopes = Set.copyOf(scopes);
    }

    boolean may(Scope scope) { return scopes.contains(scope); }
}
