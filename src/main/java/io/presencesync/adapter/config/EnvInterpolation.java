package io.presencesync.adapter.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in the YAML's text values with the
 * environment before anything is validated; {@code $${} stays a literal {@code ${}. Keys are never
 * replaced. A value made by a replacement reads as YAML would read it unquoted: {@code true} and
 * {@code false} as booleans, whole numbers as numbers (so {@code port: ${PORT}} works).
 * <p>
 * Secrets stay references: a variable that this file names as a secret (under {@code secretEnv},
 * {@code passwordEnv} or {@code tokenEnv}), or that Azure Identity reads a secret from, is refused in a {@code ${...}},
 * so a secret can never become a plain value of the parsed configuration (or of an error message).
 */
final class EnvInterpolation {

    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern WHOLE_NUMBER = Pattern.compile("-?(0|[1-9][0-9]{0,17})");
    /** The keys whose values name an environment variable holding a secret. */
    private static final Set<String> SECRET_REFERENCE_KEYS = Set.of("secretEnv", "passwordEnv", "tokenEnv");
    /** Secrets Azure Identity's EnvironmentCredential reads; never a plain value here. */
    private static final Set<String> KNOWN_SECRET_VARIABLES = Set.of("AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PASSWORD");

    private record Use(String path, String variable) {}

    private final Map<String, String> env;
    private final List<Use> uses = new ArrayList<>();

    private EnvInterpolation(Map<String, String> env) {
        this.env = env;
    }

    /** The tree with every reference replaced; the first unset variable fails with its field path. */
    static JsonNode apply(JsonNode root, Map<String, String> env) {
        EnvInterpolation interpolation = new EnvInterpolation(env);
        JsonNode result = interpolation.node(root, "");
        interpolation.refuseSecrets(result);
        return result;
    }

    private JsonNode node(JsonNode n, String path) {
        if (n.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                copy.set(e.getKey(), node(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey()));
            }
            return copy;
        }
        if (n.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < n.size(); i++) copy.add(node(n.get(i), path + "[" + i + "]"));
            return copy;
        }
        if (!n.isTextual() || !n.textValue().contains("$")) return n;
        int before = uses.size();
        String replaced = replace(n.textValue(), path);
        return uses.size() == before ? TextNode.valueOf(replaced) : typed(replaced);
    }

    private String replace(String text, String path) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                if (end < 0) throw error(path, "'" + text + "' has a ${ without its closing } (write $${ for a literal ${)");
                out.append(resolve(text.substring(i + 2, end), path));
                i = end + 1;
            } else {
                out.append(text.charAt(i++));
            }
        }
        return out.toString();
    }

    private String resolve(String reference, String path) {
        int dash = reference.indexOf(":-");
        String name = dash < 0 ? reference : reference.substring(0, dash);
        if (!VARIABLE.matcher(name).matches()) {
            throw error(path, "'${" + reference + "}' is not a variable reference (${NAME} or ${NAME:-default}; $${ for a literal ${)");
        }
        uses.add(new Use(path, name));
        String value = env.get(name);
        if (value != null && !value.isEmpty()) return value;
        if (dash >= 0) return reference.substring(dash + 2);
        throw error(path, "environment variable " + name + (value == null ? " is not set" : " is empty"));
    }

    private static JsonNode typed(String value) {
        if (value.equals("true") || value.equals("false")) return BooleanNode.valueOf(Boolean.parseBoolean(value));
        if (WHOLE_NUMBER.matcher(value).matches()) return JsonNodeFactory.instance.numberNode(Long.parseLong(value));
        return TextNode.valueOf(value);
    }

    private void refuseSecrets(JsonNode root) {
        Map<String, String> secretVariables = new LinkedHashMap<>();
        KNOWN_SECRET_VARIABLES.forEach(v -> secretVariables.put(v, "Azure Identity reads a secret from it"));
        collectSecretReferences(root, "", secretVariables);
        for (Use use : uses) {
            String why = secretVariables.get(use.variable());
            if (why != null) {
                throw error(use.path(), "environment variable " + use.variable() + " holds a secret (" + why
                        + ") and is never copied into the configuration; reference secrets only by secretEnv, secretFile, "
                        + "passwordEnv, passwordFile, tokenEnv or tokenFile");
            }
        }
    }

    private static void collectSecretReferences(JsonNode n, String path, Map<String, String> out) {
        if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) collectSecretReferences(n.get(i), path + "[" + i + "]", out);
        }
        if (!n.isObject()) return;
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String child = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            if (SECRET_REFERENCE_KEYS.contains(e.getKey()) && e.getValue().isTextual()) {
                out.putIfAbsent(e.getValue().textValue().trim(), child + " names it");
            }
            collectSecretReferences(e.getValue(), child, out);
        }
    }

    private static ConfigException error(String path, String message) {
        return new ConfigException((path.isEmpty() ? "" : path + ": ") + message);
    }
}
