package io.presencesync.adapter.xmpp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileSubscriberStoreTest {

    @TempDir
    Path tmp;

    @Test
    void subscribersSurviveARestartAndTheFileShrinksToWhatIsLeft() throws Exception {
        Path file = tmp.resolve("state/subscribers.jsonl");
        FileSubscriberStore first = new FileSubscriberStore(file);
        assertThat(first.load()).isEmpty();
        first.add("anna@presence.contoso.com", "bob@contoso.com");
        first.add("anna@presence.contoso.com", "carol@fabrikam.com");
        first.remove("anna@presence.contoso.com", "bob@contoso.com");
        first.close();
        FileSubscriberStore second = new FileSubscriberStore(file);
        assertThat(second.load()).containsExactly(java.util.Map.entry("anna@presence.contoso.com", Set.of("carol@fabrikam.com")));
        assertThat(Files.readAllLines(file)).containsExactly("{\"format\":\"presence-sync-xmpp-subscribers\",\"version\":1}",
                "{\"op\":\"add\",\"contact\":\"anna@presence.contoso.com\",\"subscriber\":\"carol@fabrikam.com\"}");
    }

    @Test
    void aLineTornByACrashIsDropped() throws Exception {
        Path file = tmp.resolve("subscribers.jsonl");
        Files.writeString(file, "{\"format\":\"presence-sync-xmpp-subscribers\",\"version\":1}\n"
                + "{\"op\":\"add\",\"contact\":\"anna@presence.contoso.com\",\"subscriber\":\"bob@contoso.com\"}\n{\"op\":\"add\",\"cont");
        assertThat(new FileSubscriberStore(file).load()).containsOnlyKeys("anna@presence.contoso.com");
    }

    @Test
    void aFileOfAnotherFormatOrVersionIsRefusedNamingIt() throws Exception {
        Path file = tmp.resolve("subscribers.jsonl");
        Files.writeString(file, "{\"format\":\"presence-sync-xmpp-subscribers\",\"version\":2}\n");
        assertThatThrownBy(() -> new FileSubscriberStore(file).load()).hasMessageContaining(file.toString()).hasMessageContaining("version 1");
    }
}
