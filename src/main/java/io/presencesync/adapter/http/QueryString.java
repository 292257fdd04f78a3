package io.presencesync.adapter.http;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The one reader and writer of {@code application/x-www-form-urlencoded} text: query strings and
 * form bodies (the management server's, the demo Graph simulator's). How a malformed one is
 * answered is the caller's: each speaks its own error format.
 */
public final class QueryString {

    private QueryString() {}

    /**
     * The parameters of a raw (still encoded) query or form body, percent-decoded ({@code %24select}
     * is {@code $select}, {@code +} a space); a name without {@code =} has the empty value, and the
     * first value of a repeated name wins.
     *
     * @throws IllegalArgumentException for malformed percent-encoding
     */
    public static Map<String, String> parse(String raw) {
        Map<String, String> params = new HashMap<>();
        if (raw == null || raw.isEmpty()) return params;
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            params.putIfAbsent(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    /** Name-value pairs as a query; pairs whose value is null or empty are left out. */
    public static String of(String... namesAndValues) {
        StringJoiner query = new StringJoiner("&");
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            String value = namesAndValues[i + 1];
            if (value == null || value.isEmpty()) continue;
            query.add(URLEncoder.encode(namesAndValues[i], StandardCharsets.UTF_8) + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
        return query.toString();
    }
}
