package io.presencesync.adapter.xmpp;

import io.github.resilience4j.core.IntervalFunction;
import io.presencesync.adapter.config.XmppConfig;
import io.presencesync.adapter.publisher.EmbeddedPresenceStore;
import io.presencesync.adapter.scheduling.ClusterDatabase;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.presencesync.application.status.FederationState;
import org.jivesoftware.smack.SmackConfiguration;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smackx.ping.packet.Ping;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.Jid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The XMPP federation: holds the component connection (when this node is the leader), reconnects
 * with backoff when the server goes away, answers what comes in and pushes every change of a shown
 * user's presence to their subscribers.
 */
public final class XmppFederation implements AutoCloseable {

    /** How often the component pings itself through the server: a stream silent for three of these is taken for dead. */
    static final Duration PING_INTERVAL = Duration.ofSeconds(20);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(XmppFederation.class);

    private final XmppConfig config;
    private final Map<String, String> env;
    private final SocketFactory sockets;
    private final Clock clock;
    private final Leadership leadership;
    private final Contacts contacts;
    private final Subscribers subscribers;
    private final SubscriberStore store;
    private final ContactJids jids;
    private final PresenceStanzas presences;
    private final InboundStanzas inbound;
    private final Outbound outbound;
    private final IntervalFunction backoff;
    private final Thread connector;
    private final ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "xmpp-ping");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong reconnects = new AtomicLong();
    private volatile ComponentStream stream;
    private volatile String state = FederationState.DISCONNECTED;
    private volatile Instant since;
    private volatile String problem;
    private volatile boolean closed;

    /** What this federation closes after itself (a cluster's table reader and writer, its connection pool). */
    private final List<AutoCloseable> resources = new ArrayList<>();
    private volatile boolean leader;
    private volatile Instant holderAskedAt;
    private volatile String lastHolder;

    XmppFederation(XmppConfig config, Map<String, String> env, SocketFactory sockets, Clock clock, Contacts contacts, ContactJids jids,
                   SubscriberStore store, Leadership leadership) {
        SmackConfiguration.getVersion(); // loads Smack's providers, so disco, vCard and ping requests parse as such
        this.config = config;
        this.env = env;
        this.sockets = sockets;
        this.clock = clock;
        this.contacts = contacts;
        this.jids = jids;
        this.store = store;
        this.leadership = leadership;
        this.since = clock.instant();
        this.subscribers = new Subscribers(store, config.maxSubscriptions());
        this.presences = new PresenceStanzas(config.timeZone());
        this.inbound = new InboundStanzas(contacts, subscribers, config, jids, presences, clock);
        this.outbound = new Outbound(subscribers, this::presenceOf, config.stanzasPerSecond());
        this.backoff = IntervalFunction.ofExponentialRandomBackoff(config.reconnectBackoff(), 2.0, 0.5, config.maxReconnectBackoff());
        contacts.listen(outbound::changed);
        this.connector = new Thread(this::run, "xmpp-component");
        connector.setDaemon(true);
    }

    /**
     * What a single node's {@link #start()} reads from disk, checked without writing: every command
     * checks it with the configuration, so {@code validate} refuses what {@code run} would.
     *
     * @throws io.presencesync.adapter.config.ConfigException naming {@code federation.xmpp.subscribersFile}
     */
    public static void check(XmppConfig config) {
        if (config.subscribersFile() != null) FileSubscriberStore.check(config.subscribersFile());
    }

    /**
     * The federation of a single node: the users of {@code store}, subscribers in the configured file.
     * Connects after {@link #start()}.
     */
    public static XmppFederation singleNode(XmppConfig config, Map<String, String> env, Clock clock, EmbeddedPresenceStore store) {
        ContactJids jids = new ContactJids(config.domain(), config.localPart());
        return new XmppFederation(config, env, sockets(config), clock, new StoreContacts(store, jids), jids,
                new FileSubscriberStore(config.subscribersFile()), Leadership.SINGLE_NODE);
    }

    /**
     * The federation of a cluster node: every node writes its embedded store's entries to PostgreSQL;
     * the node holding the leadership (an advisory lock) connects, shows every node's users and keeps
     * the subscribers in PostgreSQL.
     *
     * @param node this node's name among the cluster's (logs, the standby's status)
     */
    public static XmppFederation clustered(XmppConfig config, Map<String, String> env, Clock clock, EmbeddedPresenceStore store,
                                           ClusterDatabase database, String node, Duration retry) {
        HikariConfig pool = new HikariConfig();
        pool.setPoolName("presence-sync-xmpp");
        pool.setJdbcUrl(database.jdbcUrl());
        pool.setUsername(database.username());
        if (database.password() != null) pool.setPassword(database.password());
        pool.setMaximumPoolSize(3);
        pool.setConnectionTimeout(10_000);
        HikariDataSource dataSource = new HikariDataSource(pool);
        try {
            XmppTables.createIfAbsent(dataSource);
            ContactJids jids = new ContactJids(config.domain(), config.localPart());
            PresenceTableWriter writer = new PresenceTableWriter(dataSource, store);
            TableContacts contacts = new TableContacts(dataSource, jids);
            XmppFederation f = new XmppFederation(config, env, sockets(config), clock, contacts, jids, new JdbcSubscriberStore(dataSource),
                    new DatabaseLeadership(database.jdbcUrl(), database.username(), database.password(), node, retry));
            f.resources.addAll(List.of(writer, contacts, dataSource));
            return f;
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
    }

    /** Direct TLS checks the server's certificate against the JVM truststore, like the Redis and HTTP publishers. */
    static SocketFactory sockets(XmppConfig config) {
        return config.tls() ? SSLSocketFactory.getDefault() : SocketFactory.getDefault();
    }

    /** Reads the subscribers (a broken file or database fails the start, named), then connects in the background. */
    public void start() {
        subscribers.reload();
        connector.start();
        pinger.scheduleWithFixedDelay(this::ping, PING_INTERVAL.toMillis(), PING_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    public FederationState state() {
        String shown = state;
        String why = problem;
        if (!leader && !closed && leadership != Leadership.SINGLE_NODE) {
            shown = FederationState.STANDBY;
            String holder = holder();
            why = holder == null ? "waiting for the component leadership" : "node " + holder + " holds the component link";
        }
        return new FederationState(config.domain(), shown, since, FederationState.CONNECTED.equals(shown) ? null : why,
                subscribers.count(), outbound.sent(), reconnects.get(), outbound.waiting());
    }

    /** Who holds the link, asked of the database at most every few seconds (status pages and scrapes ask often). */
    private String holder() {
        Instant now = clock.instant();
        if (holderAskedAt == null || Duration.between(holderAskedAt, now).compareTo(PING_INTERVAL) > 0 || now.isBefore(holderAskedAt)) {
            holderAskedAt = now;
            lastHolder = leadership.holder();
        }
        return lastHolder;
    }

    private Stanza presenceOf(EntityBareJid contact, Jid subscriber) {
        return contacts.find(contact).map(c -> presences.presence(c.shown(), c.jid(), subscriber, clock.instant())).orElse(null);
    }

    private void run() {
        int failures = 0;
        boolean connectedBefore = false;
        while (!closed && leadership.await()) {
            if (!leader && leadership != Leadership.SINGLE_NODE && !reloaded()) {
                if (!pause(++failures)) break;
                continue;
            }
            leader = true;
            set(FederationState.CONNECTING, problem);
            try (ComponentStream s = ComponentStream.open(sockets, config.host(), config.port(), config.domain(), config.secret().read(env),
                    CONNECT_TIMEOUT, PING_INTERVAL.multipliedBy(3))) {
                stream = s;
                failures = 0;
                if (connectedBefore) reconnects.incrementAndGet();
                connectedBefore = true;
                set(FederationState.CONNECTED, null);
                log.info("xmpp: connected to {}:{} as component {}; {} subscription(s)", config.host(), config.port(), config.domain(), subscribers.count());
                outbound.connected(s, subscribers.contacts());
                Stanza in;
                while ((in = s.read()) != null) {
                    try {
                        outbound.answer(inbound.answer(in));
                    } catch (RuntimeException e) {
                        log.warn("xmpp: could not answer {} (the asker may ask again): {}", in, e.getMessage());
                    }
                }
                problem = "the server closed the stream";
            } catch (ComponentStream.StreamFailure e) {
                problem = e.getMessage();
            } catch (IOException | RuntimeException e) {
                problem = "connection to " + config.host() + ":" + config.port() + " failed: " + e;
            } finally {
                stream = null;
                outbound.disconnected();
            }
            if (closed || !pause(++failures)) break;
        }
        set(FederationState.DISCONNECTED, problem);
    }

    /** On taking a cluster's link over: what the previous holder stored. False (with the problem set) when the database did not answer. */
    private boolean reloaded() {
        try {
            subscribers.reload();
            return true;
        } catch (RuntimeException e) {
            problem = "cannot read the subscribers: " + e.getMessage();
            return false;
        }
    }

    /** Waits the backoff after the {@code failures}-th failure in a row; false when interrupted (closing). */
    private boolean pause(int failures) {
        long wait = backoff.apply(failures);
        log.warn("xmpp: component {}: {}; connecting again in {} ms", config.domain(), problem, wait);
        set(FederationState.DISCONNECTED, problem);
        try {
            Thread.sleep(wait);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** Pings itself through the server (proving the whole route), and gives the link up when this node lost the leadership. */
    private void ping() {
        ComponentStream s = stream;
        if (s == null) return;
        if (!leadership.held()) {
            log.warn("xmpp: this node no longer holds the component leadership; closing the link to {}", config.domain());
            leader = false;
            s.close();
            return;
        }
        Ping ping = new Ping(jids.domain());
        ping.setFrom(jids.domain());
        outbound.answer(List.of(ping));
    }

    private void set(String newState, String why) {
        if (!newState.equals(state)) since = clock.instant();
        state = newState;
        problem = why;
    }

    @Override
    public void close() {
        closed = true;
        pinger.shutdownNow();
        connector.interrupt();
        ComponentStream s = stream;
        if (s != null) s.close();
        try {
            connector.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        outbound.close();
        leadership.close();
        store.close();
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                log.warn("xmpp: closing {} failed: {}", r, e.toString());
            }
        }
    }
}
