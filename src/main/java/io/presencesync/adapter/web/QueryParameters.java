package io.presencesync.adapter.web;

import io.presencesync.adapter.http.QueryString;

import java.net.URI;
import java.util.Map;

/** A request's query parameters ({@link QueryString}); a malformed query or a bad number is a {@link BadRequest}. */
final class QueryParameters {

    private final Map<String, String> values;

    private QueryParameters(Map<String, String> values) {
        this.values = values;
    }

    static QueryParameters of(URI uri) {
        try {
            return new QueryParameters(QueryString.parse(uri.getRawQuery()));
        } catch (IllegalArgumentException malformed) {
            throw new BadRequest(null, "malformed query string: " + malformed.getMessage());
        }
    }

    /** The parameter's value, or null when it is absent or empty. */
    String text(String name) {
        String value = values.get(name);
        return value == null || value.isEmpty() ? null : value;
    }

    /** A non-negative whole number parameter, or {@code fallback}; a bad value is a client error. */
    int number(String name, int fallback, int max) {
        String value = values.get(name);
        if (value == null || value.isEmpty()) return fallback;
        try {
            int n = Integer.parseInt(value);
            if (n < 0 || n > max) throw new BadRequest(name, name + " must be between 0 and " + max + ", not " + value);
            return n;
        } catch (NumberFormatException e) {
            throw new BadRequest(name, name + " must be a whole number, not \"" + value + "\"");
        }
    }
}
