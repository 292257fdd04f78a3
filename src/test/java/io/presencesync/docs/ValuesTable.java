package io.presencesync.docs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Helm chart's values table, made from values.yaml with helm-docs' conventions: a comment
 * starting with {@code # --} right above a key (continued on the comment lines below it) is that
 * key's description, and {@code # @default -- text} replaces the default shown. Every key must be
 * described: itself, through a described key above it (a map described as a whole, like
 * {@code resources}), or, for a map of keys, through each of its keys (like {@code image}).
 */
final class ValuesTable {

    static final String START = "<!-- values-table:start: generated from values.yaml, see CONTRIBUTING.md; do not edit by hand -->";
    static final String END = "<!-- values-table:end -->";
    private static final String DESCRIPTION = "# --";
    private static final String DEFAULT = "# @default --";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One row: the key's path, its type, its default and what it means. */
    record Row(String key, String type, String defaultValue, String description) {}

    private final String[] lines;
    private final Map<String, Object> values;
    private final List<Row> rows = new ArrayList<>();
    private final List<String> undescribed = new ArrayList<>();

    private ValuesTable(String valuesYaml) {
        this.lines = valuesYaml.split("\n", -1);
        this.values = new Yaml(new LoaderOptions()).load(valuesYaml);
        walk((MappingNode) new Yaml(new LoaderOptions()).compose(new StringReader(valuesYaml)), "", values, false);
    }

    static ValuesTable of(String valuesYaml) {
        return new ValuesTable(valuesYaml);
    }

    List<Row> rows() {
        return List.copyOf(rows);
    }

    /** "line N: key" for each key without a description of its own or from a key above it. */
    List<String> undescribed() {
        return List.copyOf(undescribed);
    }

    /** The table in Markdown, between its markers. */
    String markdown() {
        StringBuilder table = new StringBuilder(START).append("\n\n")
                .append("| Key | Type | Default | Description |\n|-----|------|---------|-------------|\n");
        for (Row row : rows) {
            table.append("| `").append(row.key()).append("` | ").append(row.type()).append(" | ").append(cell(row.defaultValue()))
                    .append(" | ").append(cell(row.description())).append(" |\n");
        }
        return table.append('\n').append(END).toString();
    }

    /** {@code readme} with the text between the markers (markers included) replaced by {@code table}. */
    static String replaceTable(String readme, String table) {
        int start = readme.indexOf(START);
        int end = readme.indexOf(END);
        if (start < 0 || end < start) throw new IllegalArgumentException("the README has no values table markers: " + START + " ... " + END);
        return readme.substring(0, start) + table + readme.substring(end + END.length());
    }

    @SuppressWarnings("unchecked")
    private void walk(MappingNode map, String prefix, Object mapValue, boolean described) {
        Map<String, Object> valueOf = (Map<String, Object>) mapValue;
        for (NodeTuple tuple : map.getValue()) {
            ScalarNode keyNode = (ScalarNode) tuple.getKeyNode();
            String key = prefix.isEmpty() ? keyNode.getValue() : prefix + "." + keyNode.getValue();
            Object value = valueOf.get(keyNode.getValue());
            Node valueNode = tuple.getValueNode();
            int line = keyNode.getStartMark().getLine();
            List<String> comment = describingComment(line, keyNode.getStartMark().getColumn());
            if (!comment.isEmpty()) rows.add(row(key, value, comment));
            boolean covered = described || !comment.isEmpty();
            if (valueNode instanceof MappingNode children && !children.getValue().isEmpty()) {
                walk(children, key, value, covered);
            } else if (!covered) {
                undescribed.add("line " + (line + 1) + ": " + key);
            }
        }
    }

    /**
     * The comment lines from "# --" down to the key on {@code keyLine} (0-based), without the '#';
     * empty when none, or when the key does not start its line (a key of a {@code {...}} map).
     */
    private List<String> describingComment(int keyLine, int keyColumn) {
        if (!lines[keyLine].substring(0, keyColumn).isBlank()) return List.of();
        int first = keyLine;
        while (first > 0 && lines[first - 1].strip().startsWith("#")) first--;
        for (int i = first; i < keyLine; i++) {
            if (lines[i].strip().startsWith(DESCRIPTION)) {
                List<String> comment = new ArrayList<>();
                for (int j = i; j < keyLine; j++) comment.add(lines[j].strip());
                return comment;
            }
        }
        return List.of();
    }

    private static Row row(String key, Object value, List<String> comment) {
        StringBuilder description = new StringBuilder();
        String shownDefault = null;
        for (String line : comment) {
            if (line.startsWith(DEFAULT)) {
                shownDefault = line.substring(DEFAULT.length()).strip();
            } else {
                String text = line.startsWith(DESCRIPTION) ? line.substring(DESCRIPTION.length()) : line.substring(1);
                if (!text.isBlank()) description.append(description.isEmpty() ? "" : " ").append(text.strip());
            }
        }
        return new Row(key, type(value), shownDefault != null ? shownDefault : "`" + json(value) + "`", description.toString());
    }

    private static String type(Object value) {
        if (value instanceof String) return "string";
        if (value instanceof Boolean) return "bool";
        if (value instanceof Integer || value instanceof Long) return "int";
        if (value instanceof Number) return "float";
        if (value instanceof List) return "list";
        if (value instanceof Map) return "object";
        return "null";
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render " + value + " as JSON", e);
        }
    }

    /** A table cell: one line, a '|' escaped so it does not end the cell. */
    private static String cell(String text) {
        return text.replace("\\|", "|").replace("|", "\\|");
    }
}
