package io.presencesync.adapter.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretTest {

    @TempDir
    Path dir;

    String fromFile(String content) throws IOException {
        return Secret.file(Files.writeString(dir.resolve("secret"), content)).read(Map.of());
    }

    String fromVariable(String value) {
        return Secret.env("SECRET").read(Map.of("SECRET", value));
    }

    @Test
    void theLineBreaksAKubernetesSecretFileOrAnEditorEndsWithAreNotPartOfTheSecret() throws IOException {
        assertThat(fromFile("s3cret\n")).isEqualTo("s3cret");
        assertThat(fromFile("s3cret\r\n")).isEqualTo("s3cret");
        assertThat(fromFile("s3cret\n\n")).isEqualTo("s3cret");
        assertThat(fromVariable("s3cret\n")).as("the same rule for a variable").isEqualTo("s3cret");
    }

    @Test
    void spacesAtEitherEndAndInnerLineBreaksArePartOfTheSecret() throws IOException {
        assertThat(fromFile(" pass word \n")).isEqualTo(" pass word ");
        assertThat(fromFile("\tpass\nword")).isEqualTo("\tpass\nword");
        assertThat(fromVariable(" pass word ")).isEqualTo(" pass word ");
    }

    @Test
    void anEmptyOrBlankSecretIsRefusedNamingTheFileOrVariable() throws IOException {
        Path file = dir.resolve("secret");
        assertThatThrownBy(() -> fromFile("\n")).isInstanceOf(ConfigException.class).hasMessage("file is empty: " + file);
        assertThatThrownBy(() -> fromFile("  \r\n")).hasMessage("file is empty: " + file);
        assertThatThrownBy(() -> fromVariable("")).hasMessage("environment variable SECRET is empty");
        assertThatThrownBy(() -> Secret.env("UNSET").read(Map.of())).hasMessage("environment variable UNSET is not set");
        assertThatThrownBy(() -> Secret.file(dir.resolve("absent")).read(Map.of())).hasMessage("file not found: " + dir.resolve("absent"));
    }

    @Test
    void aRotatedFileIsReadAgain() throws IOException {
        Path file = Files.writeString(dir.resolve("token"), "first\n");
        Secret secret = Secret.file(file);
        assertThat(secret.read(Map.of())).isEqualTo("first");

        Files.writeString(file, "second\n");
        assertThat(secret.read(Map.of())).isEqualTo("second");
    }

    @Test
    void itsTextNamesWhereItLivesNeverTheValue() {
        assertThat(Secret.env("UC_TOKEN")).hasToString("environment variable UC_TOKEN");
        assertThat(Secret.file(Path.of("/run/secrets/uc"))).hasToString("file /run/secrets/uc");
    }
}
