package io.presencesync.adapter.xmpp;

import io.presencesync.testsupport.TestPostgres;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.BareJid;
import org.jxmpp.jid.impl.JidCreate;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two cluster nodes in two processes on one PostgreSQL and a real Prosody: exactly one holds the
 * component link; it shows a user whose presence the other node's store holds; when it is killed
 * (kill -9) the other takes the link over with the subscribers, and the subscriber goes on seeing
 * changes without subscribing again.
 */
class XmppClusterFailoverIT {

    private static final BareJid ANNA = JidCreate.bareFromOrThrowUnchecked("anna@" + XmppTestServer.COMPONENT);

    private final List<Process> nodes = new ArrayList<>();
    private final Set<String> states = ConcurrentHashMap.newKeySet();
    private ProsodyServer prosody;
    private XMPPTCPConnection bob;
    private String jdbcUrl;

    @AfterEach
    void stop() throws Exception {
        if (bob != null) bob.disconnect();
        for (Process p : nodes) p.destroyForcibly().waitFor();
        if (prosody != null) prosody.close();
        if (jdbcUrl != null) TestPostgres.dropSchema(jdbcUrl);
    }

    @Test
    void theSecondNodeTakesTheLinkAndTheSubscribersOverWhenTheFirstIsKilled() throws Exception {
        prosody = new ProsodyServer();
        prosody.start();
        prosody.register("bob", "bob-password");
        jdbcUrl = TestPostgres.freshSchema("xmpp_failover");
        Process a = node("a");
        await("node a to hold the link").atMost(Duration.ofSeconds(30)).until(() -> states.contains("a connected"));
        Process b = node("b");
        await("node b to stand by").atMost(Duration.ofSeconds(30)).until(() -> states.contains("b standby"));

        tell(b, "anna@contoso.com CALENDAR_BUSY"); // Anna's unit runs on b; the link is a's
        bob = prosody.login("bob", "bob-password");
        Roster roster = Roster.getInstanceFor(bob);
        await("Bob's subscription to Anna to be approved by node a").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    if (roster.getEntry(ANNA) == null || !roster.getEntry(ANNA).canSeeHisPresence()) roster.createItemAndRequestSubscription(ANNA, "Anna", null);
                    return roster.getEntry(ANNA) != null && roster.getEntry(ANNA).canSeeHisPresence();
                });
        seen(roster, Presence.Mode.dnd, "In a meeting until");
        assertThat(subscriptionsInDatabase()).isEqualTo(1);
        assertThat(states).as("node b never held the link while a lived").doesNotContain("b connected", "b connecting");

        assertThat(new ProcessBuilder("kill", "-9", String.valueOf(a.pid())).start().waitFor()).isZero();
        await("node b to take the link over").atMost(Duration.ofSeconds(30)).until(() -> states.contains("b connected"));
        tell(b, "anna@contoso.com CALL");
        seen(roster, Presence.Mode.dnd, "In a call");
    }

    private Process node(String name) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"), XmppClusterNode.class.getName(),
                name, jdbcUrl, String.valueOf(prosody.componentPort)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        nodes.add(p);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("STATE ")) states.add(line.substring(6));
                }
            } catch (java.io.IOException ended) {
                // the node was stopped
            }
        });
        reader.setDaemon(true);
        reader.start();
        return p;
    }

    private static void tell(Process node, String line) {
        PrintWriter w = new PrintWriter(node.getOutputStream(), true, StandardCharsets.UTF_8);
        w.println(line);
    }

    private void seen(Roster roster, Presence.Mode mode, String statusStart) {
        await("Bob to see Anna as " + mode + " \"" + statusStart + "…\"").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Presence p = roster.getPresence(ANNA);
            assertThat(p.getMode()).as("show (%s)", p).isEqualTo(mode);
            assertThat(p.getStatus()).as("status (%s)", p).startsWith(statusStart);
        });
    }

    private int subscriptionsInDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl, TestPostgres.USER, ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + XmppTables.SUBSCRIBERS)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
