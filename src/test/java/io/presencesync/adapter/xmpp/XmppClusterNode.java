package io.presencesync.adapter.xmpp;

import io.presencesync.adapter.config.Secret;
import io.presencesync.adapter.config.XmppConfig;
import io.presencesync.adapter.publisher.EmbeddedPresenceStore;
import io.presencesync.adapter.scheduling.ClusterDatabase;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.Reason;
import io.presencesync.domain.User;
import io.presencesync.testsupport.TestPostgres;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * One cluster node's XMPP federation in its own process, for {@link XmppClusterFailoverIT}: its own
 * embedded store, the cluster's PostgreSQL, the component port of the test's Prosody. It reports its
 * link's state on standard output ({@code STATE node state}) and takes event presences for its store
 * on standard input ({@code <user address> <reason or NONE>}).
 */
public final class XmppClusterNode {

    public static void main(String[] args) throws Exception {
        String node = args[0];
        String jdbcUrl = args[1];
        int componentPort = Integer.parseInt(args[2]);
        XmppConfig config = new XmppConfig("127.0.0.1", componentPort, XmppTestServer.COMPONENT, Secret.env("XMPP_SECRET"), false,
                XmppConfig.Policy.APPROVE_ALL, List.of(), XmppConfig.LocalPart.USER, null, 1000, ZoneId.of("Europe/Berlin"), "presence-sync",
                Duration.ofMillis(200), Duration.ofSeconds(1), 1000);
        EmbeddedPresenceStore store = new EmbeddedPresenceStore();
        XmppFederation federation = XmppFederation.clustered(config, Map.of("XMPP_SECRET", XmppTestServer.SECRET), Clock.systemUTC(), store,
                new ClusterDatabase(jdbcUrl, TestPostgres.USER, null, Duration.ofSeconds(1), 3), node, Duration.ofMillis(500));
        federation.start();
        Thread reporter = new Thread(() -> {
            String last = null;
            while (true) {
                String now = federation.state().state();
                if (!now.equals(last)) {
                    System.out.println("STATE " + node + " " + now);
                    System.out.flush();
                    last = now;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        reporter.setDaemon(true);
        reporter.start();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] parts = line.trim().split(" ");
            Instant now = Instant.now();
            User user = new User("id-" + parts[0], parts[0]);
            EventPresence presence = parts[1].equals("NONE") ? EventPresence.none(now, null)
                    : new EventPresence(Reason.valueOf(parts[1]), now, parts[1].equals("CALL") ? null : now.plus(Duration.ofHours(1)));
            store.publish(new PresenceUpdate("contoso", user, presence, now.toEpochMilli() * 1000 + System.nanoTime() % 1000));
        }
        federation.close();
    }
}
