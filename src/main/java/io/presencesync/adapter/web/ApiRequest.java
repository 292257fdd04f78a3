package io.presencesync.adapter.web;

/**
 * What the guard learnt about one admitted request, and what its route tells the audit line. One
 * per request: the JDK server's exchange attributes are shared by every request of a context in
 * Java 17, so they cannot carry this.
 */
final class ApiRequest {

    private final Caller caller;
    private String tenant;
    private String user;
    private String outcome;

    ApiRequest(Caller caller) { this.caller = caller; }

    Caller caller() { return caller; }

    /** Names the tenant and user the request is about, for the audit line. */
    void about(String tenant, String user) {
        this.tenant = tenant;
        this.user = user;
    }

    /** What a write did, for the audit line; without it the status tells. */
    void outcome(String outcome) { this.outcome = outcome; }

    String tenant() { return tenant; }

    String user() { return user; }

    String outcome() { return outcome; }

    /** A route behind the guard. */
    interface Route {
        void handle(com.sun.net.httpserver.HttpExchange exchange, ApiRequest request) throws java.io.IOException;
    }
}
