package io.presencesync.adapter.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A YAML node that knows its path, so every error names the field: {@code tenants[1].clientId: ...}. */
final class ConfigNode {

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final JsonNode node;
    private final String path;

    ConfigNode(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    String path() { return path; }

    ConfigException error(String message) {
        return new ConfigException((path.isEmpty() ? "" : path + ": ") + message);
    }

    /** Rejects keys this object does not know, so a typo never silently falls back to a default. */
    ConfigNode allowOnly(String... keys) {
        if (!node.isObject()) throw error("expected a mapping (key: value), got " + describe(node));
        Set<String> known = Set.of(keys);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                throw child(key).error("unknown key (known here: " + String.join(", ", keys) + ")");
            }
        }
        return this;
    }

    /** A mapping whose keys are free (e.g. HTTP headers); each is checked by the caller. */
    ConfigNode allowAny() {
        if (!node.isObject()) throw error("expected a mapping (key: value), got " + describe(node));
        return this;
    }

    Iterator<String> fieldNames() { return node.fieldNames(); }

    boolean has(String key) {
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    ConfigNode child(String key) {
        return new ConfigNode(node.get(key), path.isEmpty() ? key : path + "." + key);
    }

    ConfigNode required(String key) {
        if (!has(key)) throw child(key).error("required");
        return child(key);
    }

    String text() {
        if (!node.isValueNode() || node.asText().isBlank()) throw error("expected a non-empty text, got " + describe(node));
        return node.asText().trim();
    }

    String text(String key, String fallback) { return has(key) ? child(key).text() : fallback; }

    boolean bool(String key, boolean fallback) {
        if (!has(key)) return fallback;
        ConfigNode c = child(key);
        if (!c.node.isBoolean()) throw c.error("expected true or false, got " + describe(c.node));
        return c.node.booleanValue();
    }

    /** A whole number within [min, max]. */
    int integer(String key, int fallback, int min, int max) {
        if (!has(key)) return fallback;
        ConfigNode c = child(key);
        if (!c.node.isIntegralNumber() || !c.node.canConvertToInt()) throw c.error("expected a whole number, got " + describe(c.node));
        int value = c.node.intValue();
        if (value < min || value > max) throw c.error(value + " is outside " + min + ".." + max);
        return value;
    }

    /** The longest duration any setting takes; longer ones are typos (and would overflow date arithmetic). */
    static final Duration MAX_DURATION = Duration.ofDays(365);

    /** Accepts 500ms, 15s, 5m, 24h, 2d or an ISO-8601 duration such as PT15S, up to {@link #MAX_DURATION}. */
    Duration duration(String key, Duration fallback) {
        if (!has(key)) return fallback;
        Duration d = parseDuration(key);
        if (d.compareTo(MAX_DURATION) > 0) throw child(key).error("'" + child(key).text() + "' is longer than the maximum 365d");
        return d;
    }

    /** As {@link #duration(String, Duration)}, and at least {@code min}; a shorter one is refused as written. */
    Duration duration(String key, Duration fallback, Duration min) {
        Duration d = duration(key, fallback);
        if (d.compareTo(min) < 0) throw child(key).error("'" + child(key).text() + "' is shorter than the minimum " + show(min));
        return d;
    }

    /** A duration the way this file writes them: {@code 100ms}, {@code 15s}, {@code 5m}, {@code 24h}, {@code 61d}. */
    static String show(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 != 0) return ms + "ms";
        long s = ms / 1000;
        if (s != 0 && s % 86_400 == 0) return s / 86_400 + "d";
        if (s != 0 && s % 3600 == 0) return s / 3600 + "h";
        if (s != 0 && s % 60 == 0) return s / 60 + "m";
        return s + "s";
    }

    private Duration parseDuration(String key) {
        ConfigNode c = child(key);
        String text = c.text();
        Matcher m = SHORT_DURATION.matcher(text.toLowerCase(Locale.ROOT));
        try {
            if (!m.matches()) return Duration.parse(text);
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } catch (DateTimeParseException e) {
            throw c.error("'" + text + "' is not a duration (use e.g. 15s, 5m, 24h)");
        } catch (ArithmeticException | NumberFormatException e) {
            throw c.error("'" + text + "' is far too long");
        }
    }

    /** A required list under {@code key}, each item read by {@code item} with its own path. */
    <T> List<T> list(String key, Function<ConfigNode, T> item) {
        ConfigNode c = required(key);
        if (!c.node.isArray()) throw c.error("expected a list, got " + describe(c.node));
        List<T> out = new ArrayList<>();
        for (int i = 0; i < c.node.size(); i++) out.add(item.apply(new ConfigNode(c.node.get(i), c.path + "[" + i + "]")));
        return out;
    }

    private static String describe(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) return "nothing";
        if (n.isObject()) return "a mapping";
        if (n.isArray()) return "a list";
        return "'" + n.asText() + "'";
    }
}
