package io.presencesync.adapter.logging;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LogFormatTest {

    @Test
    void theCommandLineWinsOverTheEnvironmentWhichWinsOverText() {
        Map<String, String> json = Map.of(LogFormat.ENV, "json");
        assertThat(LogFormat.choose(new String[] {"run"}, Map.of())).isEqualTo(LogFormat.TEXT);
        assertThat(LogFormat.choose(new String[] {"run"}, json)).isEqualTo(LogFormat.JSON);
        assertThat(LogFormat.choose(new String[] {"run", "--log-format", "text"}, json)).isEqualTo(LogFormat.TEXT);
        assertThat(LogFormat.choose(new String[] {"--log-format=JSON", "run"}, Map.of())).isEqualTo(LogFormat.JSON);
        assertThat(LogFormat.choose(new String[] {"run", "--", "--log-format=json"}, Map.of())).isEqualTo(LogFormat.TEXT);
    }
}
