package io.presencesync.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The relative links of the repository's Markdown files, resolved the way GitHub renders them: a
 * path relative to the linking file (or, starting with '/', to the repository), and an optional
 * {@code #anchor} that must be the slug of a heading of the target page. Links to other sites are
 * not followed (no network here); links inside code are not links.
 */
final class MarkdownLinks {

    /** One link as written: where it is and what it points at. */
    record Link(Path file, int line, String target) {}

    /** A link that leads nowhere, with the reason. */
    record Broken(Link link, String why) {
        @Override
        public String toString() {
            return link.file() + ":" + link.line() + ": (" + link.target() + ") " + why;
        }
    }

    /** [text](target "title") and ![alt](target); the text may wrap onto the next line. */
    private static final Pattern INLINE = Pattern.compile("!?\\[(?:[^\\[\\]]|\\[[^\\[\\]]*])*]\\(\\s*<?([^\\s)<>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    /** [label]: target, a reference definition. */
    private static final Pattern REFERENCE = Pattern.compile("(?m)^ {0,3}\\[[^\\]]+]:\\s*<?(\\S+?)>?(?:\\s.*)?$");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}\\s+(.*?)(?:\\s+#+)?\\s*$");
    private static final Pattern HTML_ANCHOR = Pattern.compile("<a\\s+(?:id|name)=\"([^\"]+)\"");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");
    /** Build output and tool directories hold no documentation of ours. */
    private static final Set<String> SKIPPED_DIRECTORIES = Set.of("target", "node_modules");

    private final Path root;
    private final Map<Path, Set<String>> anchorsByFile = new HashMap<>();

    MarkdownLinks(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** Every *.md file of the repository, relative to it; build output and hidden directories left out. */
    List<Path> markdownFiles() {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".md") && Files.isRegularFile(p))
                    .map(root::relativize)
                    .filter(p -> !skipped(p))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean skipped(Path relative) {
        for (int i = 0; i < relative.getNameCount() - 1; i++) {
            String part = relative.getName(i).toString();
            if (part.startsWith(".") || SKIPPED_DIRECTORIES.contains(part)) return true;
        }
        return false;
    }

    /** The links written in {@code file} (relative to the root), external ones included. */
    List<Link> links(Path file) {
        String text = withoutCode(read(file));
        List<Link> links = new ArrayList<>();
        for (Pattern pattern : List.of(INLINE, REFERENCE)) {
            Matcher m = pattern.matcher(text);
            while (m.find()) links.add(new Link(file, lineOf(text, m.start()), m.group(1)));
        }
        links.sort((a, b) -> Integer.compare(a.line(), b.line()));
        return links;
    }

    /** The relative links among {@code files} that lead to no file, a file outside the repository or no heading. */
    List<Broken> broken(List<Path> files) {
        List<Broken> broken = new ArrayList<>();
        for (Path file : files) {
            for (Link link : links(file)) {
                String why = problem(link);
                if (why != null) broken.add(new Broken(link, why));
            }
        }
        return broken;
    }

    static boolean external(String target) {
        return SCHEME.matcher(target).find();
    }

    private String problem(Link link) {
        String target = link.target();
        if (external(target)) return null;
        int hash = target.indexOf('#');
        String path = URLDecoder.decode(hash < 0 ? target : target.substring(0, hash), StandardCharsets.UTF_8);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path base = root.resolve(link.file()).getParent();
        Path resolved = path.isEmpty() ? root.resolve(link.file())
                : (path.startsWith("/") ? root.resolve(path.substring(1)) : base.resolve(path)).normalize();
        if (!resolved.startsWith(root)) return "points outside the repository";
        if (!Files.exists(resolved)) return "no such file: " + root.relativize(resolved);
        if (anchor == null || !resolved.toString().endsWith(".md")) return null;
        if (anchor.isEmpty()) return "empty anchor";
        Set<String> anchors = anchorsByFile.computeIfAbsent(resolved, f -> anchors(read(root.relativize(f))));
        return anchors.contains(anchor) ? null : "no heading with anchor #" + anchor + " in " + root.relativize(resolved);
    }

    /** The anchors GitHub gives a page: one per heading (a repeated slug gets -1, -2, ...), and explicit &lt;a id&gt;s. */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        String text = withoutFences(markdown);
        for (String line : text.split("\n", -1)) {
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String slug = slug(heading.group(1));
                int n = seen.merge(slug, 1, Integer::sum) - 1;
                anchors.add(n == 0 ? slug : slug + "-" + n);
            }
        }
        Matcher html = HTML_ANCHOR.matcher(text);
        while (html.find()) anchors.add(html.group(1));
        return anchors;
    }

    /**
     * GitHub's slug of a heading: its text as rendered (no code ticks, emphasis or link targets),
     * lower-cased, every character other than a letter, digit, space, '-' or '_' dropped, and each
     * space turned into '-' (runs are not collapsed: "a — b" gives "a--b").
     */
    static String slug(String heading) {
        String rendered = heading.replaceAll("\\[([^\\]]*)]\\([^)]*\\)", "$1")
                .replaceAll("<[^>]+>", "")
                .replace("`", "")
                .replace("*", "");
        StringBuilder slug = new StringBuilder();
        rendered.toLowerCase(Locale.ROOT).codePoints().forEach(c -> {
            if (c == ' ') slug.append('-');
            else if (Character.isLetterOrDigit(c) || c == '-' || c == '_') slug.appendCodePoint(c);
        });
        return slug.toString();
    }

    /** The text with fenced code blocks and inline code spans blanked out (line breaks kept, so lines still count). */
    static String withoutCode(String markdown) {
        String text = withoutFences(markdown);
        StringBuilder out = new StringBuilder(text);
        int i = 0;
        while (i < text.length()) {
            if (text.charAt(i) != '`') {
                i++;
                continue;
            }
            int run = 0;
            while (i + run < text.length() && text.charAt(i + run) == '`') run++;
            String ticks = "`".repeat(run);
            int close = text.indexOf(ticks, i + run);
            while (close >= 0 && close + run < text.length() && text.charAt(close + run) == '`') close = text.indexOf(ticks, close + run + 1);
            if (close < 0) {
                i += run;
                continue;
            }
            blank(out, i, close + run);
            i = close + run;
        }
        return out.toString();
    }

    private static String withoutFences(String markdown) {
        String[] lines = markdown.replace("\r\n", "\n").split("\n", -1);
        String fence = null;
        for (int i = 0; i < lines.length; i++) {
            String stripped = lines[i].stripLeading();
            if (fence == null && (stripped.startsWith("```") || stripped.startsWith("~~~"))) {
                fence = stripped.substring(0, 3);
                lines[i] = "";
            } else if (fence != null) {
                if (stripped.startsWith(fence)) fence = null;
                lines[i] = "";
            }
        }
        return String.join("\n", lines);
    }

    private static void blank(StringBuilder text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) != '\n') text.setCharAt(i, ' ');
        }
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') line++;
        }
        return line;
    }

    private String read(Path relative) {
        try {
            return Files.readString(root.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
