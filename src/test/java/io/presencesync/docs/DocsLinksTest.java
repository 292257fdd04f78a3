package io.presencesync.docs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documentation holds together: every relative link of every Markdown page (README, docs/,
 * CONTRIBUTING, CHANGELOG, the chart's README) leads to a file of this repository and, with an
 * {@code #anchor}, to a heading of that page; and README's map reaches every page under docs/.
 */
class DocsLinksTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();

    @Test
    void everyRelativeLinkOfEveryPageLeadsToAFileAndHeadingOfTheRepository() {
        MarkdownLinks links = new MarkdownLinks(ROOT);
        List<Path> pages = links.markdownFiles();
        long relative = pages.stream().flatMap(p -> links.links(p).stream()).filter(l -> !MarkdownLinks.external(l.target())).count();

        assertThat(pages).as("the pages checked").contains(Path.of("README.md"), Path.of("CONTRIBUTING.md"),
                Path.of("CHANGELOG.md"), Path.of("helm/presence-sync/README.md"));
        assertThat(relative).as("relative links found (a scanner that finds none checks nothing)").isGreaterThan(100);
        assertThat(links.broken(pages)).as("broken links (file:line: (target) why)").isEmpty();
    }

    @Test
    void theReadmesMapLinksEveryPageUnderDocs() throws IOException {
        MarkdownLinks links = new MarkdownLinks(ROOT);
        List<String> fromReadme = links.links(Path.of("README.md")).stream()
                .map(l -> l.target().replaceFirst("#.*", "")).toList();
        List<Path> docs;
        try (var files = Files.list(ROOT.resolve("docs"))) {
            docs = files.filter(p -> p.toString().endsWith(".md")).map(ROOT::relativize).sorted().toList();
        }

        assertThat(docs).isNotEmpty();
        assertThat(docs).as("pages under docs/ that README.md does not link").allSatisfy(page ->
                assertThat(fromReadme).contains(page.toString().replace('\\', '/')));
        assertThat(fromReadme).contains("helm/presence-sync/README.md", "CONTRIBUTING.md", "CHANGELOG.md");
    }

    @Test
    void aLinkToAMissingFileOrHeadingIsNamedWithItsFileAndLine(@TempDir Path repo) throws IOException {
        Files.createDirectories(repo.resolve("docs"));
        Files.writeString(repo.resolve("docs/ops.md"), "# Operations\n\n## Health and `/readyz`: probes\n");
        Files.writeString(repo.resolve("README.md"), """
                # Demo

                See [operations](docs/ops.md#health-and-readyz-probes), [this page](#demo) and
                [the
                metrics](docs/ops.md#metrics), [setup](docs/setup.md), [notes](../shared/NOTES.md),
                [Graph](https://learn.microsoft.com/graph) and `[code](nowhere.md)`.

                ```
                [in a fence](nowhere.md)
                ```
                """);
        MarkdownLinks links = new MarkdownLinks(repo);

        assertThat(links.broken(links.markdownFiles())).map(Object::toString).containsExactly(
                "README.md:4: (docs/ops.md#metrics) no heading with anchor #metrics in docs/ops.md",
                "README.md:5: (docs/setup.md) no such file: docs/setup.md",
                "README.md:5: (../shared/NOTES.md) points outside the repository");
    }

    @Test
    void headingsGetGitHubsSlugsAndARepeatedHeadingANumberedOne() {
        assertThat(MarkdownLinks.anchors("""
                # presence-sync
                ## Management server: health, metrics, status page, store API
                ### Workload identity on AKS (`type: workloadIdentity`)
                ## Redis — keys and TTL
                ## sync_units and [links](x.md)
                ## Example
                ## Example
                ```
                # not a heading
                ```
                """)).containsExactly("presence-sync", "management-server-health-metrics-status-page-store-api",
                "workload-identity-on-aks-type-workloadidentity", "redis--keys-and-ttl", "sync_units-and-links",
                "example", "example-1");
    }
}
