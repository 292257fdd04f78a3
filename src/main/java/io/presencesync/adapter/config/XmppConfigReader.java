package io.presencesync.adapter.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads and checks {@code federation.xmpp}. */
final class XmppConfigReader {

    private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");

    private final Map<String, String> env;

    XmppConfigReader(Map<String, String> env) { this.env = env; }

    /**
     * @param clustered subscribers then live in PostgreSQL, so no subscribersFile; a single node needs one,
     *                  or a restart would make every contact subscribe again
     */
    XmppConfig read(ConfigNode x, boolean clustered) {
        x.allowOnly("host", "port", "domain", "secretFile", "secretEnv", "tls", "subscriptionPolicy", "approvedDomains", "jidLocalPart",
                "subscribersFile", "stanzasPerSecond", "timeZone", "name", "reconnectBackoff", "maxReconnectBackoff", "maxSubscriptions");
        String host = host(x.required("host"));
        int port = x.integer("port", XmppConfig.DEFAULT_PORT, 1, 65535);
        String domain = domain(x.required("domain"));
        Secret secret = Secret.from(x, env, "secretFile", "secretEnv", true);
        XmppConfig.Policy policy = policy(x);
        List<String> approved = x.has("approvedDomains") ? x.list("approvedDomains", XmppConfigReader::domain) : List.of();
        if (policy == XmppConfig.Policy.APPROVE_DOMAINS && approved.isEmpty()) {
            throw x.child("approvedDomains").error("list the domains whose users may subscribe (subscriptionPolicy approveDomains)");
        }
        if (policy != XmppConfig.Policy.APPROVE_DOMAINS && x.has("approvedDomains")) {
            throw x.child("approvedDomains").error("only with subscriptionPolicy approveDomains (it is " + policy.key() + ")");
        }
        XmppConfig.LocalPart localPart = switch (x.text("jidLocalPart", "user")) {
            case "user" -> XmppConfig.LocalPart.USER;
            case "address" -> XmppConfig.LocalPart.ADDRESS;
            default -> throw x.child("jidLocalPart").error("'" + x.child("jidLocalPart").text() + "' is not one of user, address");
        };
        Path file = null;
        if (clustered && x.has("subscribersFile")) {
            throw x.child("subscribersFile").error("not with cluster: the subscribers are kept in the cluster's PostgreSQL database");
        }
        if (!clustered) file = Path.of(x.required("subscribersFile").text());
        int rate = x.integer("stanzasPerSecond", XmppConfig.DEFAULT_STANZAS_PER_SECOND, 1, 100_000);
        ZoneId zone = zone(x);
        String name = x.text("name", "presence-sync");
        Duration backoff = x.duration("reconnectBackoff", XmppConfig.DEFAULT_RECONNECT_BACKOFF, Duration.ofMillis(100));
        Duration max = x.duration("maxReconnectBackoff", backoff.compareTo(XmppConfig.DEFAULT_MAX_RECONNECT_BACKOFF) > 0 ? backoff
                : XmppConfig.DEFAULT_MAX_RECONNECT_BACKOFF);
        if (max.compareTo(backoff) < 0) {
            throw x.child("maxReconnectBackoff").error("'" + x.child("maxReconnectBackoff").text() + "' is shorter than reconnectBackoff "
                    + ConfigNode.show(backoff));
        }
        int maxSubscriptions = x.integer("maxSubscriptions", XmppConfig.DEFAULT_MAX_SUBSCRIPTIONS, 1, 50_000_000);
        return new XmppConfig(host, port, domain, secret, x.bool("tls", false), policy, approved, localPart, file, rate, zone, name,
                backoff, max, maxSubscriptions);
    }

    /** A host name or an IP address; one that is neither would fail every connection attempt. */
    private static String host(ConfigNode node) {
        String text = node.text();
        try {
            if (URI.create("xmpp://" + (text.contains(":") ? "[" + text + "]" : text)).getHost() != null) return text;
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw node.error("'" + text + "' is neither a host name nor an IP address");
    }

    private static String domain(ConfigNode node) {
        String text = node.text();
        if (!DOMAIN.matcher(text).matches()) throw node.error("'" + text + "' is not a domain name such as presence.contoso.com");
        return text;
    }

    private static XmppConfig.Policy policy(ConfigNode x) {
        String text = x.text("subscriptionPolicy", XmppConfig.Policy.APPROVE_ALL.key());
        for (XmppConfig.Policy p : XmppConfig.Policy.values()) {
            if (p.key().equals(text)) return p;
        }
        throw x.child("subscriptionPolicy").error("'" + text + "' is not one of approveAll, approveDomains, deny");
    }

    /** {@code timeZone} of {@code x}, or the service's zone; the one reader of a configured zone. */
    static ZoneId zone(ConfigNode x) {
        if (!x.has("timeZone")) return ZoneId.systemDefault();
        String text = x.child("timeZone").text();
        try {
            return ZoneId.of(text);
        } catch (DateTimeException e) {
            throw x.child("timeZone").error("'" + text + "' is not a time zone such as Europe/Berlin");
        }
    }
}
