package io.presencesync.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * The chart's README documents every value of values.yaml, with the defaults values.yaml really
 * has: its values table is generated from values.yaml ({@link ValuesTable}) and may not drift.
 * {@code -Dchart.readme.write=true} rewrites the table instead of failing (see CONTRIBUTING.md).
 */
class ChartReadmeTest {

    private static final Path VALUES = Path.of("helm/presence-sync/values.yaml");
    private static final Path README = Path.of("helm/presence-sync/README.md");
    static final String WRITE_PROPERTY = "chart.readme.write";
    static final String FIX = "mvn -B -q test -Dtest=ChartReadmeTest -D" + WRITE_PROPERTY + "=true";

    @Test
    void theChartReadmesValuesTableIsTheOneGeneratedFromValuesYaml() throws IOException {
        ValuesTable table = ValuesTable.of(Files.readString(VALUES));
        String readme = Files.readString(README);
        String expected = ValuesTable.replaceTable(readme, table.markdown());
        if (!readme.equals(expected) && Boolean.getBoolean(WRITE_PROPERTY)) {
            Files.writeString(README, expected);
            System.err.println("rewrote the values table in " + README);
            readme = expected;
        }

        if (!readme.equals(expected)) {
            fail(README + ": the values table differs from " + VALUES + " (first difference: " + firstDifference(readme, expected)
                    + "). Regenerate it with: " + FIX);
        }
        assertThat(table.rows()).as("values documented").hasSizeGreaterThan(50);
    }

    @Test
    void everyKeyOfValuesYamlHasADescription() throws IOException {
        assertThat(ValuesTable.of(Files.readString(VALUES)).undescribed())
                .as("keys of %s without a '# --' description above them (nor above a key they belong to)", VALUES).isEmpty();
    }

    @Test
    void aKeyWithoutDescriptionIsNamedWithItsLine() {
        ValuesTable table = ValuesTable.of("""
                # -- Pods.
                replicaCount: 1
                image:
                  # -- Where the image is.
                  repository: presence-sync
                  pullPolicy: IfNotPresent
                # Just a remark, not a description.
                logFormat: json
                """);

        assertThat(table.undescribed()).containsExactly("line 6: image.pullPolicy", "line 8: logFormat");
    }

    @Test
    void aMapDescribedAsAWholeShowsItsDefaultAndCoversItsKeysWhileAMapOfDescribedKeysGetsNoRow() {
        ValuesTable table = ValuesTable.of("""
                image:
                  # -- Where the image is;
                  # a registry of yours.
                  repository: presence-sync
                  # -- Defaults to the chart's appVersion.
                  # @default -- the chart's `appVersion`
                  tag: ""
                # -- Requests and limits | per pod.
                resources:
                  requests: {cpu: 500m}
                  # -- Same as the request.
                  limits: {memory: 768Mi}
                """);

        assertThat(table.undescribed()).isEmpty();
        assertThat(table.rows()).containsExactly(
                new ValuesTable.Row("image.repository", "string", "`\"presence-sync\"`", "Where the image is; a registry of yours."),
                new ValuesTable.Row("image.tag", "string", "the chart's `appVersion`", "Defaults to the chart's appVersion."),
                new ValuesTable.Row("resources", "object", "`{\"requests\":{\"cpu\":\"500m\"},\"limits\":{\"memory\":\"768Mi\"}}`",
                        "Requests and limits | per pod."),
                new ValuesTable.Row("resources.limits", "object", "`{\"memory\":\"768Mi\"}`", "Same as the request."));
        assertThat(table.markdown()).contains("| `resources` | object | `{\"requests\":{\"cpu\":\"500m\"},\"limits\":{\"memory\":\"768Mi\"}}` "
                + "| Requests and limits \\| per pod. |");
    }

    @Test
    void theTableIsReplacedBetweenItsMarkersAndAReadmeWithoutThemIsRefused() {
        String readme = "# Chart\n\n" + ValuesTable.START + "\nold\n" + ValuesTable.END + "\n\nMore text.\n";

        assertThat(ValuesTable.replaceTable(readme, ValuesTable.START + "\nnew\n" + ValuesTable.END))
                .isEqualTo("# Chart\n\n" + ValuesTable.START + "\nnew\n" + ValuesTable.END + "\n\nMore text.\n");
        assertThatThrownBy(() -> ValuesTable.replaceTable("# Chart\n", "table")).hasMessageContaining("no values table markers");
    }

    private static String firstDifference(String actual, String expected) {
        String[] a = actual.split("\n", -1);
        String[] e = expected.split("\n", -1);
        for (int i = 0; i < Math.min(a.length, e.length); i++) {
            if (!a[i].equals(e[i])) return "line " + (i + 1) + " is\n  " + a[i] + "\nand should be\n  " + e[i] + "\n";
        }
        return "line " + (Math.min(a.length, e.length) + 1) + ": one has more lines";
    }
}
