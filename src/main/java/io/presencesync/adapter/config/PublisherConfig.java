package io.presencesync.adapter.config;

import java.net.URI;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.Objects;

/** A presence store to publish to; each runs on its own delivery worker ({@code PublisherOutbox}). */
public sealed interface PublisherConfig {

    /**
     * Writes (of different users) an HTTP or SIP publisher has awaiting answers at once, one outbox
     * worker thread each: the rate is this many over the store's round trip (32 at 20 ms: 1,600/s).
     */
    int DEFAULT_MAX_IN_FLIGHT = 32;
    int MAX_IN_FLIGHT = 256;

    /** Unique among the configured publishers; names the publisher in logs and health. */
    String name();

    /** The embedded in-memory presence store; {@code log} prints every change as one line. */
    record Embedded(boolean log) implements PublisherConfig {
        @Override
        public String name() { return "embedded"; }
    }

    /**
     * A Redis server: one hash per user with a TTL, written with a version check, and a stream of
     * changes. The password comes from a file or an environment variable, never from the YAML.
     */
    record Redis(String name, URI uri, String username, Secret password, String keyPrefix, Duration ttl,
                 String stream, long streamMaxLen, Duration connectTimeout, Duration timeout, Delivery delivery)
            implements PublisherConfig {
        public Redis {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(uri, "uri");
            Objects.requireNonNull(keyPrefix, "keyPrefix");
            Objects.requireNonNull(stream, "stream");
            Objects.requireNonNull(delivery, "delivery");
            if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) throw new IllegalArgumentException("uri " + uri + " is not redis:// or rediss://");
            if (streamMaxLen < 1) throw new IllegalArgumentException("streamMaxLen " + streamMaxLen + " < 1");
            if (ttl.compareTo(delivery.republishInterval()) <= 0) {
                throw new IllegalArgumentException("ttl " + ttl + " must be longer than republishInterval " + delivery.republishInterval());
            }
        }

        public boolean tls() { return "rediss".equals(uri.getScheme()); }
    }

    /**
     * An HTTP endpoint of the UC server: {@code url} may name the user ({userId}, {upn},
     * {tenant}); the JSON body always does.
     */
    record Http(String name, String url, Method method, Map<String, String> headers, HttpAuth auth,
                Duration connectTimeout, Duration requestTimeout, int maxInFlight, Delivery delivery) implements PublisherConfig {
        public Http {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(auth, "auth");
            Objects.requireNonNull(delivery, "delivery");
            if (maxInFlight < 1 || maxInFlight > MAX_IN_FLIGHT) throw new IllegalArgumentException("maxInFlight " + maxInFlight + " is outside 1.." + MAX_IN_FLIGHT);
            headers = Map.copyOf(headers);
        }

        public enum Method { PUT, POST }
    }

    /**
     * A SIP presence server (Kamailio, OpenSIPS): presence-sync publishes each user's event presence as
     * their presence user agent (RFC 3903 PUBLISH of PIDF with RPID) through the outbound proxy
     * {@code proxyHost:proxyPort}, so no user's domain is ever looked up in DNS.
     *
     * @param presentity  the user's presentity: a {@code sip:} template with {address}, {localpart} and {domain}
     *                    of the user's directory address ({@code sip:{address}} by default)
     * @param expires     the Expires asked for; the server's answer decides, and publications are refreshed by it
     * @param auth        the service account for digest authentication, or null when the server trusts this
     *                    service by its source address
     * @param timeZone    the zone of the times in notes ("In a meeting until 12:00")
     * @param maxInFlight how many PUBLISH requests (of different users) may wait for their answers at once
     */
    record Sip(String name, String proxyHost, int proxyPort, SipTransport transport, String presentity, Duration expires,
               NoteLanguage noteLanguage, ZoneId timeZone, SipAccount auth, Duration requestTimeout, int maxInFlight, Delivery delivery)
            implements PublisherConfig {
        public static final String DEFAULT_PRESENTITY = "sip:{address}";
        public static final Duration DEFAULT_EXPIRES = Duration.ofMinutes(10);

        public Sip {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(proxyHost, "proxyHost");
            Objects.requireNonNull(transport, "transport");
            Objects.requireNonNull(presentity, "presentity");
            Objects.requireNonNull(expires, "expires");
            Objects.requireNonNull(noteLanguage, "noteLanguage");
            Objects.requireNonNull(timeZone, "timeZone");
            Objects.requireNonNull(requestTimeout, "requestTimeout");
            Objects.requireNonNull(delivery, "delivery");
            if (proxyPort < 1 || proxyPort > 65535) throw new IllegalArgumentException("proxyPort " + proxyPort + " is outside 1..65535");
            if (!presentity.startsWith("sip:")) throw new IllegalArgumentException("presentity " + presentity + " is not a sip: URI");
            if (maxInFlight < 1 || maxInFlight > MAX_IN_FLIGHT) throw new IllegalArgumentException("maxInFlight " + maxInFlight + " is outside 1.." + MAX_IN_FLIGHT);
        }

        /** The service account's user name, or the name presence-sync gives itself in From when the server trusts its address. */
        public String fromUser() { return auth == null ? "presence-sync" : auth.username(); }
    }

    /** The transports a SIP publisher speaks to its outbound proxy. */
    enum SipTransport {
        UDP, TCP;

        /** The name in the configuration file and in SIP (Via, the proxy's transport parameter). */
        public String key() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    /** The language of the notes a SIP publisher sends with an event presence. */
    enum NoteLanguage { EN, DE }

    /** The service account a SIP publisher answers a digest challenge (401, 407) with. */
    record SipAccount(String username, Secret password) {
        public SipAccount {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
        }
    }

    /**
     * How an outbox delivers: a full re-publish every {@code republishInterval}, and retries after
     * {@code retryBackoff}, doubling up to {@code maxRetryBackoff} while the store fails.
     */
    record Delivery(Duration republishInterval, Duration retryBackoff, Duration maxRetryBackoff) {
        public static final Duration DEFAULT_REPUBLISH_INTERVAL = Duration.ofMinutes(10);
        public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofSeconds(1);
        public static final Duration DEFAULT_MAX_RETRY_BACKOFF = Duration.ofMinutes(1);
        public static final Delivery DEFAULTS = new Delivery(DEFAULT_REPUBLISH_INTERVAL, DEFAULT_RETRY_BACKOFF, DEFAULT_MAX_RETRY_BACKOFF);

        public Delivery {
            if (republishInterval.isNegative() || republishInterval.isZero() || retryBackoff.isNegative() || retryBackoff.isZero()) throw new IllegalArgumentException("durations must be positive");
            if (maxRetryBackoff.compareTo(retryBackoff) < 0) {
                throw new IllegalArgumentException("maxRetryBackoff " + maxRetryBackoff + " is shorter than retryBackoff " + retryBackoff);
            }
        }
    }

    /** How an HTTP publisher proves itself: nothing, a bearer token, or basic auth. */
    sealed interface HttpAuth {
        record None() implements HttpAuth {}

        record Bearer(Secret token) implements HttpAuth {}

        record Basic(String username, Secret password) implements HttpAuth {}
    }
}
