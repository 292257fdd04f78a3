package io.presencesync.adapter.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * {@code federation.xmpp}: an XEP-0114 external component that owns {@code domain} on the XMPP
 * server at {@code host:port} and shows every user of the embedded store there as
 * {@code <local part>@domain}, with the store's effective presence.
 *
 * @param secret            the component's shared secret, by file or environment variable
 * @param tls               direct TLS to the component port (ejabberd's {@code tls: true}); the JVM truststore checks the server
 * @param approvedDomains   the subscribers' domains approved under {@link Policy#APPROVE_DOMAINS}; empty otherwise
 * @param subscribersFile   where a single node keeps its subscribers; null in clustered mode (PostgreSQL keeps them)
 * @param stanzasPerSecond  outbound stanzas per second at most, so the server's shaper never has to hold back the stream
 * @param timeZone          the zone of the times in status texts ("In a meeting until 12:00")
 * @param maxSubscriptions  subscriptions kept at most over all users (memory bound); more are refused
 */
public record XmppConfig(String host, int port, String domain, Secret secret, boolean tls, Policy policy, List<String> approvedDomains,
                         LocalPart localPart, Path subscribersFile, int stanzasPerSecond, ZoneId timeZone, String name,
                         Duration reconnectBackoff, Duration maxReconnectBackoff, int maxSubscriptions) {

    public static final int DEFAULT_PORT = 5347;
    public static final int DEFAULT_STANZAS_PER_SECOND = 500;
    public static final Duration DEFAULT_RECONNECT_BACKOFF = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_RECONNECT_BACKOFF = Duration.ofMinutes(1);
    public static final int DEFAULT_MAX_SUBSCRIPTIONS = 1_000_000;

    public XmppConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(localPart, "localPart");
        Objects.requireNonNull(timeZone, "timeZone");
        Objects.requireNonNull(name, "name");
        approvedDomains = approvedDomains.stream().map(d -> d.toLowerCase(Locale.ROOT)).toList();
        if ((policy == Policy.APPROVE_DOMAINS) == approvedDomains.isEmpty()) {
            throw new IllegalArgumentException("approvedDomains go with policy APPROVE_DOMAINS, and only with it");
        }
        if (stanzasPerSecond < 1) throw new IllegalArgumentException("stanzasPerSecond " + stanzasPerSecond + " < 1");
        if (maxReconnectBackoff.compareTo(reconnectBackoff) < 0) throw new IllegalArgumentException("maxReconnectBackoff < reconnectBackoff");
    }

    /** Who may subscribe to a user's presence. */
    public enum Policy {
        APPROVE_ALL, APPROVE_DOMAINS, DENY;

        /** The name in the configuration file: approveAll, approveDomains, deny. */
        public String key() {
            String[] words = name().toLowerCase(Locale.ROOT).split("_");
            return words.length == 1 ? words[0] : words[0] + Character.toUpperCase(words[1].charAt(0)) + words[1].substring(1);
        }
    }

    /** How a user's JID local part is made from their address (UPN). */
    public enum LocalPart {
        /** The part before the '@' ({@code anna.schmidt@contoso.com} → {@code anna.schmidt}). */
        USER,
        /** The whole address ({@code anna.schmidt\40contoso.com}), for several mail domains behind one component. */
        ADDRESS
    }

    /** Whether a subscriber of this domain may see presences. */
    public boolean approves(String subscriberDomain) {
        return switch (policy) {
            case APPROVE_ALL -> true;
            case DENY -> false;
            case APPROVE_DOMAINS -> approvedDomains.contains(subscriberDomain.toLowerCase(Locale.ROOT));
        };
    }
}
