package io.presencesync.adapter.web;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;

/** Reads and writes {@code application/x-www-form-urlencoded} query strings. */
final class QueryString {

    private QueryString() {}

    /** The parameters of a raw query; the first value of a repeated name wins. */
    static Map<String, String> parse(String rawQuery) {
        Map<String, String> params = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) return params;
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            params.putIfAbsent(name, eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return params;
    }

    /** Name-value pairs as a query; pairs whose value is null or empty are left out. */
    static String of(String... namesAndValues) {
        StringJoiner query = new StringJoiner("&");
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            String value = namesAndValues[i + 1];
            if (value == null || value.isEmpty()) continue;
            query.add(URLEncoder.encode(namesAndValues[i], StandardCharsets.UTF_8) + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
        return query.toString();
    }

    /** A non-negative whole number parameter, or {@code fallback}; a bad value is a client error. */
    static int number(Map<String, String> params, String name, int fallback, int max) {
        String value = params.get(name);
        if (value == null || value.isEmpty()) return fallback;
        try {
            int n = Integer.parseInt(value);
            if (n < 0 || n > max) throw new BadRequest(name, name + " must be between 0 and " + max + ", not " + value);
            return n;
        } catch (NumberFormatException e) {
            throw new BadRequest(name, name + " must be a whole number, not \"" + value + "\"");
        }
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            throw new BadRequest(null, "malformed query string: " + malformed.getMessage());
        }
    }
}
