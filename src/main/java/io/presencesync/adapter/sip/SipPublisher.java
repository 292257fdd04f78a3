package io.presencesync.adapter.sip;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.presencesync.adapter.config.PublisherConfig;
import io.presencesync.application.federation.EventText;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.application.port.StoreWriter;
import io.presencesync.application.port.WriteResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sip.InvalidArgumentException;
import javax.sip.message.Request;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * Publishes each user's event presence to a SIP presence server as the user's presence user agent
 * (RFC 3903): an active one as a PIDF document ({@link PidfDocument}), NONE by removing the
 * publication ({@code SIP-If-Match}, {@code Expires: 0}), never by publishing "available", so the
 * user's own devices show again. Runs on its outbox's workers (writes, latest state wins, retries;
 * up to {@code maxInFlight} users written at once, each user's writes one after the other, so the
 * write methods are safe for concurrent use across users) plus one thread of its own that refreshes
 * the publications it holds before the Expires the server granted runs out.
 *
 * <p>A re-send of the version a held publication shows costs no request: its refreshes keep it alive
 * and heal a server that lost it. Answers: 2xx keeps the new SIP-ETag; 412 (the server lost the publication) publishes afresh;
 * 423 asks again with the server's Min-Expires; 401/407 is answered with the service account's
 * digest; 403/404 rejects that user (logged, counted); no answer, 408 and 5xx are retried by the
 * outbox's rules. A publication the sync no longer names (another node serves the user now, or the
 * user left) is removed once {@value #FORGOTTEN_AFTER_INTERVALS} republish intervals passed without.
 */
public final class SipPublisher implements StoreWriter {

    private static final Logger log = LoggerFactory.getLogger(SipPublisher.class);
    /** How long the refresher sleeps at most before it looks at the clock again (an injected clock may jump). */
    private static final Duration CLOCK_CHECK = Duration.ofMillis(200);
    /** A refresh goes out this share of the granted Expires before it ends, at most a minute before. */
    private static final Duration MAX_REFRESH_MARGIN = Duration.ofMinutes(1);
    static final int FORGOTTEN_AFTER_INTERVALS = 3;

    private final PublisherConfig.Sip config;
    private final Clock clock;
    private final SipClient client;
    private final Presentities presentities;
    private final PidfDocument pidf;
    private final Map<String, Publication> publications = new ConcurrentHashMap<>();
    /** When each held publication is refreshed next, earliest first. */
    private final ConcurrentSkipListSet<Due> schedule = new ConcurrentSkipListSet<>();
    private final MeterRegistry registry;
    private final Thread refresher;
    /** The server's Min-Expires once a 423 named it: asked for from then on. */
    private volatile int minExpires;
    private volatile boolean closed;

    public SipPublisher(PublisherConfig.Sip config, Map<String, String> env, Clock clock, MeterRegistry registry) {
        this.config = config;
        this.clock = clock;
        this.registry = registry;
        if (config.auth() != null) config.auth().password().read(env); // an unreadable secret fails at start-up, not at the first challenge
        this.presentities = new Presentities(config.presentity());
        EventText.Language language = EventText.Language.valueOf(config.noteLanguage().name());
        this.pidf = new PidfDocument(new EventText(language, config.timeZone()), language);
        this.client = new SipClient(config, env);
        Gauge.builder("presencesync.sip.publications", publications, Map::size)
                .description("publications the SIP publisher holds and refreshes").tag("publisher", config.name()).register(registry);
        this.refresher = new Thread(this::refreshLoop, "sip-refresh-" + config.name());
        refresher.setDaemon(true);
        refresher.start();
        log.info("publisher {}: publishing to the SIP presence server at {} from {} ({})", config.name(), client.proxy(), client.local(),
                config.auth() == null ? "trusted by source address" : "digest as " + config.auth().username());
    }

    @Override
    public WriteResult write(PresenceUpdate update) {
        String key = update.tenant() + "/" + update.user().id();
        if (update.presence().isNone()) return remove(key);
        String entity;
        try {
            entity = presentities.of(update.user());
        } catch (IllegalArgumentException e) {
            return new WriteResult.Rejected(e.getMessage());
        }
        while (true) {
            Publication p = publications.computeIfAbsent(key, Publication::new);
            synchronized (p) {
                if (publications.get(key) != p) continue; // the refresher forgot it meanwhile: take the current one
                if (p.etag != null && !p.entity.equals(entity)) {
                    // The user's address changed: their old presentity's publication goes, the new one is made below.
                    send(p.entity, p.etag, 0, null, "remove");
                    p.etag = null;
                }
                p.named = clock.instant();
                if (p.etag != null && p.entity.equals(entity) && p.shownVersion == update.version()) {
                    // A re-send of the state this publication shows: the refreshes keep it alive, and a server that lost it
                    // answers the next refresh with 412, which publishes it afresh. Only that the sync still names the user counts.
                    return WriteResult.WRITTEN;
                }
                p.entity = entity;
                p.update = update;
                WriteResult result = publishDocument(p, "publish");
                if (p.etag == null) forget(p);
                return result;
            }
        }
    }

    /** Publications held now (for tests and the benchmark). */
    int publications() { return publications.size(); }

    /** Where requests come from: the address a trusting server checks. */
    public java.net.InetSocketAddress localAddress() { return client.local(); }

    @Override
    public void close() {
        closed = true;
        refresher.interrupt();
        try {
            refresher.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Publications are left to the server: they end with their Expires unless the next start publishes anew.
        client.close();
    }

    private WriteResult remove(String key) {
        while (true) {
            Publication p = publications.get(key);
            if (p == null) return WriteResult.WRITTEN; // nothing published: nothing shows
            synchronized (p) {
                if (publications.get(key) == p) return remove(p);
            }
        }
    }

    /** Removes {@code p}'s publication at the server and forgets it; the caller holds its lock. */
    private WriteResult remove(Publication p) {
        if (p.etag == null) {
            forget(p);
            return WriteResult.WRITTEN;
        }
        SipClient.Answer a = send(p.entity, p.etag, 0, null, "remove");
        if (a.ok() || a.status() == 412) { // 412: the server had already dropped it
            forget(p);
            return WriteResult.WRITTEN;
        }
        WriteResult result = result(a, "removing the publication of " + p.entity);
        if (result instanceof WriteResult.Rejected) forget(p);
        return result;
    }

    /** Publishes {@code p}'s document: a modification of the held publication, or a fresh one when the server lost it (412). */
    private WriteResult publishDocument(Publication p, String kind) {
        String body = pidf.xml(p.entity, p.update.tenant(), p.update.user().id(), p.update.presence(), clock.instant());
        SipClient.Answer a = send(p.entity, p.etag, requestedExpires(), body, kind);
        if (a.status() == 412 && p.etag != null) {
            p.etag = null;
            a = send(p.entity, null, requestedExpires(), body, kind);
        }
        return settle(p, a, "publishing " + p.entity);
    }

    /** Keeps the new ETag and schedules the refresh by the granted Expires; else says what the outbox does. */
    private WriteResult settle(Publication p, SipClient.Answer a, String what) {
        if (!a.ok()) return result(a, what);
        if (a.etag() == null) return new WriteResult.Retry(what + ": " + a.describe() + " without a SIP-ETag", null);
        Instant now = clock.instant();
        Duration granted = Duration.ofSeconds(a.expires() > 0 ? a.expires() : requestedExpires());
        p.etag = a.etag();
        p.shownVersion = p.update.version();
        p.refreshFailures = 0;
        schedule(p, now.plus(granted).minus(margin(granted)));
        return WriteResult.WRITTEN;
    }

    private WriteResult result(SipClient.Answer a, String what) {
        String error = what + ": " + a.describe();
        int s = a.status();
        if (s == 0 || s == 408 || s >= 500) return new WriteResult.Retry(error, a.retryAfter());
        if (s == 401 || s == 407) {
            return new WriteResult.Retry(error + (config.auth() == null ? " (the server asks for authentication: configure username and passwordFile)"
                    : " (the service account " + config.auth().username() + " was not accepted)"), null);
        }
        if (s == 423) return new WriteResult.Retry(error + " (even with the server's Min-Expires " + minExpires + ")", null);
        return new WriteResult.Rejected(error);
    }

    /** One PUBLISH with its answer, asked again once with the server's Min-Expires after a 423. */
    private SipClient.Answer send(String entity, String etag, int expires, String body, String kind) {
        SipClient.Answer a = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            Request request;
            try {
                request = client.publish(entity, etag, expires, body);
            } catch (ParseException | InvalidArgumentException e) {
                return new SipClient.Answer(400, "presentity " + entity + " is not a SIP URI: " + e.getMessage(), null, -1, -1, null, null, 0);
            }
            a = client.exchange(request);
            count(kind, a);
            if (a.status() != 423 || a.minExpires() <= 0 || expires == 0) return a;
            minExpires = Math.max(minExpires, a.minExpires());
            expires = Math.max(expires, minExpires);
        }
        return a;
    }

    private int requestedExpires() { return (int) Math.max(config.expires().toSeconds(), minExpires); }

    private void count(String kind, SipClient.Answer a) {
        if (a.challenge() != 0) count(kind, Integer.toString(a.challenge()));
        count(kind, a.status() == 0 ? "none" : Integer.toString(a.status()));
    }

    private void count(String kind, String status) {
        Counter.builder("presencesync.sip.responses").description("final answers to PUBLISH requests, by request kind and status")
                .tag("publisher", config.name()).tag("request", kind).tag("status", status)
                .register(registry).increment();
    }

    private static Duration margin(Duration granted) {
        Duration fifth = granted.dividedBy(5);
        return fifth.compareTo(MAX_REFRESH_MARGIN) > 0 ? MAX_REFRESH_MARGIN : fifth;
    }

    private void schedule(Publication p, Instant at) {
        if (p.due != null) schedule.remove(p.due);
        p.due = new Due(at, p.key);
        schedule.add(p.due);
    }

    private void forget(Publication p) {
        if (p.due != null) schedule.remove(p.due);
        p.due = null;
        p.etag = null;
        publications.remove(p.key, p);
    }

    private void refreshLoop() {
        while (!closed) {
            try {
                Instant now = clock.instant();
                Due next = schedule.isEmpty() ? null : schedule.first();
                if (next == null || next.at().isAfter(now)) {
                    Duration wait = next == null ? CLOCK_CHECK : Duration.between(now, next.at());
                    Thread.sleep(Math.max(1, Math.min(wait.toMillis(), CLOCK_CHECK.toMillis())));
                    continue;
                }
                Publication p = publications.get(next.key());
                if (p == null) {
                    schedule.remove(next);
                    continue;
                }
                synchronized (p) {
                    if (p.due == next) refresh(p);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.error("publisher {}: refreshing failed by a bug", config.name(), e);
            }
        }
    }

    /** Refreshes {@code p} before its Expires ends; the caller holds its lock. */
    private void refresh(Publication p) {
        schedule.remove(p.due);
        p.due = null;
        Instant now = clock.instant();
        Duration forgotten = config.delivery().republishInterval().multipliedBy(FORGOTTEN_AFTER_INTERVALS);
        if (p.named.plus(forgotten).isBefore(now)) {
            // The sync of this node names a user's state at every republish interval: another node serves them now, or they left.
            log.debug("publisher {}: {} not named for {}; its publication is removed", config.name(), p.entity, forgotten);
            if (remove(p) instanceof WriteResult.Retry) retryRefresh(p, now);
            return;
        }
        WriteResult result;
        if (p.etag == null) {
            result = publishDocument(p, "refresh"); // an earlier fresh publication failed
        } else {
            SipClient.Answer a = send(p.entity, p.etag, requestedExpires(), null, "refresh");
            result = a.status() == 412 ? publishDocument(p, "refresh") : settle(p, a, "refreshing " + p.entity);
        }
        if (result instanceof WriteResult.Rejected r) {
            log.warn("publisher {}: the server refused the refresh of {} for good; the publication is dropped: {}", config.name(), p.entity,
                    r.error());
            forget(p);
        } else if (result instanceof WriteResult.Retry r) {
            log.debug("publisher {}: refresh of {} failed, tried again shortly: {}", config.name(), p.entity, r.error());
            retryRefresh(p, now);
        }
    }

    private void retryRefresh(Publication p, Instant now) {
        p.refreshFailures++;
        Duration wait = config.delivery().retryBackoff().multipliedBy(1L << Math.min(p.refreshFailures - 1, 16));
        if (wait.compareTo(config.delivery().maxRetryBackoff()) > 0) wait = config.delivery().maxRetryBackoff();
        schedule(p, now.plus(wait));
    }

    /** One user's publication at the server: guarded by its own monitor (the outbox's worker and the refresher share it). */
    private static final class Publication {
        final String key;
        String entity;
        String etag;
        /** The update to show: the latest written, acknowledged or not. */
        PresenceUpdate update;
        /** The version the server acknowledged last (what the publication shows). */
        long shownVersion = -1;
        /** When the sync last named the user's state (a write or a re-send by the outbox). */
        Instant named;
        Due due;
        int refreshFailures;

        Publication(String key) { this.key = key; }
    }

    /** A refresh due at an instant; ordered by instant, then user. */
    private record Due(Instant at, String key) implements Comparable<Due> {
        @Override
        public int compareTo(Due o) {
            int c = at.compareTo(o.at);
            return c != 0 ? c : key.compareTo(o.key);
        }
    }
}
