package io.presencesync.adapter.config;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads and checks the {@code publishers} list: each type with only its own keys, names unique. */
final class PublisherConfigReader {

    static final String TYPES = "embedded, redis, http, sip";
    static final Duration MIN_REPUBLISH_INTERVAL = Duration.ofSeconds(10);
    static final Duration MIN_RETRY_BACKOFF = Duration.ofMillis(10);
    static final Duration DEFAULT_REDIS_TTL = Duration.ofMinutes(30);
    static final long DEFAULT_STREAM_MAX_LEN = 100_000;
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");
    private static final Set<String> PLACEHOLDERS = Set.of("tenant", "userId", "upn");
    private static final Set<String> PRESENTITY_PLACEHOLDERS = Set.of("address", "localpart", "domain");
    private static final Pattern PROXY = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9.-]+)(?::(\\d{1,5}))?");
    static final int DEFAULT_SIP_PORT = 5060;
    static final Duration MIN_SIP_EXPIRES = Duration.ofSeconds(10);
    /** Headers the publisher sets itself; a credential never goes into the YAML. */
    private static final Set<String> RESERVED_HEADERS = Set.of("authorization", "content-type", "content-length", "host");

    private final Map<String, String> env;
    private final Duration calendarPollInterval;

    /** @param calendarPollInterval how often the sync renews the stores' keys (a Redis ttl must outlive that) */
    PublisherConfigReader(Map<String, String> env, Duration calendarPollInterval) {
        this.env = env;
        this.calendarPollInterval = calendarPollInterval;
    }

    /** The configured publishers; without the key, one embedded store that logs each change. */
    List<PublisherConfig> read(ConfigNode root) {
        if (!root.has("publishers")) return List.of(new PublisherConfig.Embedded(true));
        List<PublisherConfig> publishers = root.list("publishers", this::publisher);
        if (publishers.isEmpty()) throw root.child("publishers").error("configure at least one publisher");
        Map<String, Integer> names = new HashMap<>();
        for (int i = 0; i < publishers.size(); i++) {
            Integer other = names.putIfAbsent(publishers.get(i).name(), i);
            if (other != null) {
                String what = publishers.get(i) instanceof PublisherConfig.Embedded ? ".type: only one embedded store can be configured"
                        : ".name: '" + publishers.get(i).name() + "' is used by publishers[" + other + "]; give each a unique name";
                throw new ConfigException("publishers[" + i + "]" + what);
            }
        }
        return publishers;
    }

    private PublisherConfig publisher(ConfigNode p) {
        if (!p.has("type")) {
            p.allowOnly("type", "name", "log", "uri", "url");
            throw p.child("type").error("required (one of " + TYPES + ")");
        }
        String type = p.child("type").text();
        return switch (type) {
            case "embedded" -> new PublisherConfig.Embedded(p.allowOnly("type", "log").bool("log", true));
            case "redis" -> redis(p.allowOnly("type", "name", "uri", "username", "passwordFile", "passwordEnv", "keyPrefix", "ttl",
                    "stream", "streamMaxLen", "connectTimeout", "timeout", "republishInterval", "retryBackoff", "maxRetryBackoff"));
            case "http" -> http(p.allowOnly("type", "name", "url", "method", "headers", "auth", "connectTimeout", "requestTimeout",
                    "maxInFlight", "republishInterval", "retryBackoff", "maxRetryBackoff"));
            case "sip" -> sip(p.allowOnly("type", "name", "proxy", "transport", "presentity", "expires", "noteLanguage", "timeZone",
                    "username", "passwordFile", "passwordEnv", "requestTimeout", "maxInFlight", "republishInterval", "retryBackoff",
                    "maxRetryBackoff"));
            default -> throw p.child("type").error("'" + type + "' is not a publisher type (known: " + TYPES + ")");
        };
    }

    private PublisherConfig.Redis redis(ConfigNode p) {
        String name = name(p, "redis");
        ConfigNode uriNode = p.required("uri");
        URI uri = uri(uriNode);
        if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
            throw uriNode.error("'" + uriNode.text() + "' must be a redis:// or rediss:// (TLS) URI");
        }
        if (uri.getHost() == null) throw uriNode.error("'" + uriNode.text() + "' names no host");
        checkPort(uriNode, uri);
        if (uri.getUserInfo() != null) {
            throw uriNode.error("must not carry credentials: give username, and passwordFile or passwordEnv");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (!path.isEmpty() && !path.equals("/") && !path.matches("/\\d{1,2}")) {
            throw uriNode.error("'" + path + "' is not a database number (e.g. redis://host:6379/0)");
        }
        if (uri.getQuery() != null) throw uriNode.error("query parameters are not supported; use the keys of this publisher");
        String username = p.has("username") ? p.child("username").text() : null;
        Secret password = Secret.from(p, env, "passwordFile", "passwordEnv", false);
        if (username != null && password == null) throw p.child("username").error("a username needs passwordFile or passwordEnv");
        String keyPrefix = p.text("keyPrefix", "presence-sync:");
        if (keyPrefix.contains(" ")) throw p.child("keyPrefix").error("'" + keyPrefix + "' must not contain spaces");
        String stream = p.text("stream", keyPrefix + "changes");
        long maxLen = streamMaxLen(p);
        PublisherConfig.Delivery delivery = delivery(p);
        Duration ttl = p.duration("ttl", DEFAULT_REDIS_TTL, Duration.ofSeconds(1));
        if (ttl.compareTo(delivery.republishInterval().multipliedBy(2)) < 0) {
            throw p.child(p.has("ttl") ? "ttl" : "republishInterval").error("ttl " + ConfigNode.show(ttl) + " must be at least twice republishInterval "
                    + ConfigNode.show(delivery.republishInterval()) + " (a key is renewed once republishInterval has passed, at the next calendar poll)");
        }
        // A key is renewed at the first calendar poll after republishInterval: it must outlive that wait, with a poll to spare.
        Duration needed = delivery.republishInterval().plus(calendarPollInterval.multipliedBy(2));
        if (ttl.compareTo(needed) < 0) {
            throw p.child("ttl").error("ttl " + ConfigNode.show(ttl) + " must be at least republishInterval + 2 x sync.calendarPollInterval = "
                    + ConfigNode.show(needed) + " (keys are renewed at calendar polls)");
        }
        Duration connectTimeout = p.duration("connectTimeout", DEFAULT_CONNECT_TIMEOUT, Duration.ofMillis(100));
        Duration timeout = p.duration("timeout", DEFAULT_TIMEOUT, Duration.ofMillis(100));
        return new PublisherConfig.Redis(name, uri, username, password, keyPrefix, ttl, stream, maxLen, connectTimeout, timeout, delivery);
    }

    private PublisherConfig.Sip sip(ConfigNode p) {
        String name = name(p, "sip");
        ConfigNode proxyNode = p.required("proxy");
        Matcher proxy = PROXY.matcher(proxyNode.text());
        if (!proxy.matches()) throw proxyNode.error("'" + proxyNode.text() + "' is not host:port (e.g. sip.example.com:5060 or 10.0.0.5)");
        int port = proxy.group(2) == null ? DEFAULT_SIP_PORT : Integer.parseInt(proxy.group(2));
        if (port < 1 || port > 65535) throw proxyNode.error("'" + proxyNode.text() + "': port " + port + " is outside 1..65535");
        String transportText = p.text("transport", "udp");
        PublisherConfig.SipTransport transport = switch (transportText) {
            case "udp" -> PublisherConfig.SipTransport.UDP;
            case "tcp" -> PublisherConfig.SipTransport.TCP;
            default -> throw p.child("transport").error("'" + transportText + "' is not a transport (known: udp, tcp)");
        };
        String presentity = presentity(p);
        Duration expires = p.duration("expires", PublisherConfig.Sip.DEFAULT_EXPIRES, MIN_SIP_EXPIRES);
        if (expires.compareTo(Duration.ofDays(1)) > 0) throw p.child("expires").error("'" + p.child("expires").text() + "' is longer than the maximum 24h");
        if (expires.toMillis() % 1000 != 0) throw p.child("expires").error("'" + p.child("expires").text() + "' is not whole seconds (SIP counts seconds)");
        String languageText = p.text("noteLanguage", "en");
        PublisherConfig.NoteLanguage language = switch (languageText) {
            case "en" -> PublisherConfig.NoteLanguage.EN;
            case "de" -> PublisherConfig.NoteLanguage.DE;
            default -> throw p.child("noteLanguage").error("'" + languageText + "' is not a note language (known: en, de)");
        };
        java.time.ZoneId zone = XmppConfigReader.zone(p);
        PublisherConfig.SipAccount account = null;
        Secret password = Secret.from(p, env, "passwordFile", "passwordEnv", false);
        if (p.has("username")) {
            String username = p.child("username").text();
            if (!username.matches("[A-Za-z0-9._~!$&'()*+,;=%-]+")) {
                throw p.child("username").error("'" + username + "' is not a SIP user name (letters, digits and -_.!~*'()&=+$,;%)");
            }
            if (password == null) throw p.child("username").error("a username needs passwordFile or passwordEnv");
            account = new PublisherConfig.SipAccount(username, password);
        } else if (password != null) {
            throw p.child(p.has("passwordFile") ? "passwordFile" : "passwordEnv").error("a password needs the username of the service account");
        }
        Duration requestTimeout = p.duration("requestTimeout", DEFAULT_TIMEOUT, Duration.ofMillis(100));
        int maxInFlight = p.integer("maxInFlight", PublisherConfig.DEFAULT_MAX_IN_FLIGHT, 1, PublisherConfig.MAX_IN_FLIGHT);
        return new PublisherConfig.Sip(name, proxy.group(1), port, transport, presentity, expires, language, zone, account,
                requestTimeout, maxInFlight, delivery(p));
    }

    /** A sip: template of the user's address that names one presentity per user and nothing a SIP header could not carry. */
    private static String presentity(ConfigNode p) {
        if (!p.has("presentity")) return PublisherConfig.Sip.DEFAULT_PRESENTITY;
        ConfigNode node = p.child("presentity");
        String template = node.text();
        if (!template.startsWith("sip:")) throw node.error("'" + template + "' must start with sip: (e.g. sip:{localpart}@uc.example.com)");
        Matcher m = PLACEHOLDER.matcher(template);
        boolean perUser = false;
        while (m.find()) {
            if (!PRESENTITY_PLACEHOLDERS.contains(m.group(1))) {
                throw node.error("unknown placeholder {" + m.group(1) + "} (known: {address}, {localpart}, {domain})");
            }
            perUser |= !m.group(1).equals("domain");
        }
        if (!perUser) throw node.error("'" + template + "' names no user: use {address} or {localpart}");
        String filled = m.replaceAll(r -> r.group(1).equals("address") ? "x@x" : "x");
        if (!filled.matches("sip:[^@\\s<>\"?;]+@[A-Za-z0-9.-]+")) {
            throw node.error("'" + template + "' is not of the form sip:user@host (no parameters, headers or spaces)");
        }
        return template;
    }

    private static long streamMaxLen(ConfigNode p) {
        if (!p.has("streamMaxLen")) return DEFAULT_STREAM_MAX_LEN;
        String text = p.child("streamMaxLen").text();
        try {
            long n = Long.parseLong(text);
            if (n >= 1) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw p.child("streamMaxLen").error("'" + text + "' is not a positive whole number");
    }

    private PublisherConfig.Http http(ConfigNode p) {
        String name = name(p, "http");
        ConfigNode urlNode = p.required("url");
        String url = urlNode.text();
        Matcher m = PLACEHOLDER.matcher(url);
        while (m.find()) {
            if (!PLACEHOLDERS.contains(m.group(1))) {
                throw urlNode.error("unknown placeholder {" + m.group(1) + "} (known: {tenant}, {userId}, {upn})");
            }
        }
        int authorityEnd = url.indexOf('/', url.indexOf("://") + 3);
        int firstPlaceholder = url.indexOf('{');
        if (firstPlaceholder >= 0 && (authorityEnd < 0 || firstPlaceholder < authorityEnd)) {
            // A user's value must never choose the host a presence is sent to (SSRF).
            throw urlNode.error("placeholders may stand only in the path or the query, not in the scheme, host or port");
        }
        URI uri;
        try {
            uri = new URI(m.replaceAll("x"));
        } catch (java.net.URISyntaxException e) {
            throw urlNode.error("'" + url + "' is not a URL (" + e.getReason() + ")");
        }
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw urlNode.error("'" + url + "' must be an http:// or https:// URL");
        }
        if (uri.getUserInfo() != null) throw urlNode.error("must not carry credentials: use auth");
        checkPort(urlNode, uri);
        String methodText = p.text("method", "PUT");
        PublisherConfig.Http.Method method;
        try {
            method = PublisherConfig.Http.Method.valueOf(methodText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw p.child("method").error("'" + methodText + "' is not one of PUT, POST");
        }
        Map<String, String> headers = headers(p);
        PublisherConfig.HttpAuth auth = p.has("auth") ? auth(p.child("auth")) : new PublisherConfig.HttpAuth.None();
        Duration connectTimeout = p.duration("connectTimeout", DEFAULT_CONNECT_TIMEOUT, Duration.ofMillis(100));
        Duration requestTimeout = p.duration("requestTimeout", DEFAULT_TIMEOUT, Duration.ofMillis(100));
        int maxInFlight = p.integer("maxInFlight", PublisherConfig.DEFAULT_MAX_IN_FLIGHT, 1, PublisherConfig.MAX_IN_FLIGHT);
        return new PublisherConfig.Http(name, url, method, headers, auth, connectTimeout, requestTimeout, maxInFlight, delivery(p));
    }

    private static Map<String, String> headers(ConfigNode p) {
        if (!p.has("headers")) return Map.of();
        ConfigNode h = p.child("headers").allowAny();
        Map<String, String> headers = new LinkedHashMap<>();
        for (Iterator<String> it = h.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!key.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) throw h.child(key).error("not a valid header name");
            if (RESERVED_HEADERS.contains(key.toLowerCase(Locale.ROOT))) {
                throw h.child(key).error("set by the publisher itself" + (key.equalsIgnoreCase("authorization")
                        ? " (use auth, so the credential stays out of this file)" : ""));
            }
            headers.put(key, h.child(key).text());
        }
        return headers;
    }

    private PublisherConfig.HttpAuth auth(ConfigNode a) {
        if (!a.has("type")) {
            a.allowOnly("type", "tokenFile", "tokenEnv", "username", "passwordFile", "passwordEnv");
            throw a.child("type").error("required (one of bearer, basic)");
        }
        String type = a.child("type").text();
        return switch (type) {
            case "bearer" -> new PublisherConfig.HttpAuth.Bearer(Secret.from(a.allowOnly("type", "tokenFile", "tokenEnv"), env, "tokenFile", "tokenEnv", true));
            case "basic" -> {
                a.allowOnly("type", "username", "passwordFile", "passwordEnv");
                String username = a.required("username").text();
                if (username.contains(":")) throw a.child("username").error("'" + username + "': a basic-auth username cannot contain ':'");
                yield new PublisherConfig.HttpAuth.Basic(username, Secret.from(a, env, "passwordFile", "passwordEnv", true));
            }
            default -> throw a.child("type").error("'" + type + "' is not an auth type (known: bearer, basic)");
        };
    }

    private static String name(ConfigNode p, String fallback) {
        if (!p.has("name")) return fallback;
        String name = p.child("name").text();
        if (!NAME.matcher(name).matches()) throw p.child("name").error("'" + name + "' must be 1-40 lower-case letters, digits or '-'");
        return name;
    }

    private static PublisherConfig.Delivery delivery(ConfigNode p) {
        Duration republish = p.duration("republishInterval", PublisherConfig.Delivery.DEFAULT_REPUBLISH_INTERVAL, MIN_REPUBLISH_INTERVAL);
        Duration backoff = p.duration("retryBackoff", PublisherConfig.Delivery.DEFAULT_RETRY_BACKOFF, MIN_RETRY_BACKOFF);
        Duration max = p.duration("maxRetryBackoff", PublisherConfig.Delivery.DEFAULT_MAX_RETRY_BACKOFF.compareTo(backoff) < 0
                ? backoff : PublisherConfig.Delivery.DEFAULT_MAX_RETRY_BACKOFF);
        if (max.compareTo(backoff) < 0) {
            throw p.child("maxRetryBackoff").error("'" + p.child("maxRetryBackoff").text() + "' is shorter than retryBackoff " + ConfigNode.show(backoff));
        }
        return new PublisherConfig.Delivery(republish, backoff, max);
    }

    /** java.net.URI takes any number for a port; the connection would fail on every delivery. */
    private static void checkPort(ConfigNode node, URI uri) {
        if (uri.getPort() == 0 || uri.getPort() > 65535) throw node.error("'" + node.text() + "': port " + uri.getPort() + " is outside 1..65535");
    }

    private static URI uri(ConfigNode node) {
        String text = node.text();
        try {
            return new URI(text);
        } catch (java.net.URISyntaxException e) {
            throw node.error("'" + text + "' is not a URI (" + e.getReason() + ")");
        }
    }
}
