package io.presencesync.adapter.xmpp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.presencesync.adapter.config.ConfigException;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A single node's subscribers in a file of JSON lines: a header naming the format and its version,
 * then one line per change ({@code {"op":"add","contact":…,"subscriber":…}} or {@code "remove"}),
 * appended and handed to the operating system before the subscriber is answered. Loading replays the lines and
 * rewrites the file as a snapshot (one add per subscription), so it never grows beyond the
 * subscriptions plus the changes since the last start. A torn last line (a crash mid-write) is dropped.
 */
final class FileSubscriberStore implements SubscriberStore {

    static final String FORMAT = "presence-sync-xmpp-subscribers";
    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private BufferedWriter out;

    FileSubscriberStore(Path file) { this.file = file; }

    /**
     * What {@link #load()} needs, checked without writing anything: the file, when there is one, holds
     * subscribers this version reads, and its directory exists or can be made, and is writable.
     *
     * @throws ConfigException naming {@code federation.xmpp.subscribersFile} and the file, never a line of it
     */
    static void check(Path file) {
        read(file);
        Path existing = file.toAbsolutePath().getParent();
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null) return;
        if (!Files.isDirectory(existing)) throw error(file, existing + " is not a directory");
        if (!Files.isWritable(existing)) throw error(file, "cannot write in " + existing);
    }

    @Override
    public synchronized Map<String, Set<String>> load() {
        close();
        Map<String, Set<String>> subscribers = read(file);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            Path snapshot = file.resolveSibling(file.getFileName() + ".new");
            try (BufferedWriter w = Files.newBufferedWriter(snapshot, StandardCharsets.UTF_8)) {
                w.write(header());
                for (var e : subscribers.entrySet()) for (String s : e.getValue()) w.write(line("add", e.getKey(), s));
            }
            Files.move(snapshot, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("federation.xmpp.subscribersFile " + file + ": " + e.getMessage(), e);
        }
        return subscribers;
    }

    /** The subscribers the file holds (none when there is no file yet). */
    private static Map<String, Set<String>> read(Path file) {
        Map<String, Set<String>> subscribers = new HashMap<>();
        if (!Files.exists(file)) return subscribers;
        if (Files.isDirectory(file)) throw error(file, "a directory, not a file");
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw error(file, "cannot read: " + e.getMessage());
        }
        replay(file, lines, subscribers);
        return subscribers;
    }

    /** Never quotes a line: a wrong path may name a file of secrets. */
    private static ConfigException error(Path file, String problem) {
        return new ConfigException("federation.xmpp.subscribersFile: " + file + ": " + problem);
    }

    private static void replay(Path file, List<String> lines, Map<String, Set<String>> subscribers) {
        if (lines.isEmpty()) return;
        JsonNode header = parse(lines.get(0));
        if (header == null || !FORMAT.equals(header.path("format").asText()) || header.path("version").asInt() != VERSION) {
            throw error(file, "not a " + FORMAT + " file of version " + VERSION + " (line 1 is no such header)");
        }
        for (int i = 1; i < lines.size(); i++) {
            JsonNode change = parse(lines.get(i));
            if (change == null) {
                if (i == lines.size() - 1) break; // torn by a crash while appending
                throw error(file, "line " + (i + 1) + " is not JSON");
            }
            String contact = change.path("contact").asText();
            String subscriber = change.path("subscriber").asText();
            switch (change.path("op").asText()) {
                case "add" -> subscribers.computeIfAbsent(contact, c -> new LinkedHashSet<>()).add(subscriber);
                case "remove" -> {
                    Set<String> of = subscribers.get(contact);
                    if (of != null && of.remove(subscriber) && of.isEmpty()) subscribers.remove(contact);
                }
                default -> throw error(file, "line " + (i + 1) + " has no op add or remove");
            }
        }
    }

    @Override
    public synchronized void add(String contact, String subscriber) { append(line("add", contact, subscriber)); }

    @Override
    public synchronized void remove(String contact, String subscriber) { append(line("remove", contact, subscriber)); }

    private void append(String line) {
        if (out == null) throw new IllegalStateException("load() first");
        try {
            out.write(line);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("federation.xmpp.subscribersFile " + file + ": cannot write: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (out == null) return;
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out = null;
    }

    private static String header() {
        ObjectNode h = JSON.createObjectNode().put("format", FORMAT).put("version", VERSION);
        return h + "\n";
    }

    private static String line(String op, String contact, String subscriber) {
        return JSON.createObjectNode().put("op", op).put("contact", contact).put("subscriber", subscriber) + "\n";
    }

    private static JsonNode parse(String line) {
        try {
            JsonNode n = JSON.readTree(line);
            return n != null && n.isObject() ? n : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
