package io.presencesync.adapter.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads the configuration file into a tree. A key given twice in one mapping is an error naming
 * its field path (YAML would let the last one win silently), and broken YAML is one line naming
 * the file and where the parser stopped.
 */
final class ConfigYaml {

    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

    private ConfigYaml() {}

    /** The file's tree; null or a missing node for an empty file. */
    static JsonNode read(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (JacksonException e) {
            String duplicate = duplicateKeyPath(e);
            if (duplicate != null) throw new ConfigException(duplicate + ": key given twice", e);
            throw new ConfigException(file + ": not valid YAML" + where(e), e);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * The field path of a key the strict duplicate detection refused, e.g. {@code tenants[0].name};
     * null for any other error. Jackson reports it only by message, with the parser at the key.
     */
    private static String duplicateKeyPath(JacksonException e) {
        if (!(e instanceof StreamReadException read) || read.getProcessor() == null
                || e.getOriginalMessage() == null || !e.getOriginalMessage().startsWith("Duplicate field ")) {
            return null;
        }
        return path(read.getProcessor().getParsingContext());
    }

    private static String path(JsonStreamContext context) {
        if (context == null || context.inRoot()) return "";
        String parent = path(context.getParent());
        if (context.inArray()) return parent + "[" + context.getCurrentIndex() + "]";
        return parent.isEmpty() ? context.getCurrentName() : parent + "." + context.getCurrentName();
    }

    /**
     * " at line N, column M: problem", from the YAML parser's own marks (Jackson's location of a
     * YAML error points elsewhere); the context the problem arose in, when there is one, follows in
     * parentheses. Always one line.
     */
    private static String where(JacksonException e) {
        if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
            StringBuilder text = new StringBuilder(" ").append(at(yaml.getProblemMark())).append(": ").append(oneLine(yaml.getProblem()));
            if (yaml.getContext() != null) {
                text.append(" (").append(oneLine(yaml.getContext()));
                if (yaml.getContextMark() != null) text.append(" ").append(at(yaml.getContextMark()));
                text.append(')');
            }
            return text.toString();
        }
        JsonLocation location = e.getLocation();
        String problem = oneLine(e.getOriginalMessage());
        return location == null || location.getLineNr() < 1 ? ": " + problem
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr() + ": " + problem;
    }

    private static String at(Mark mark) {
        return "at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
