package io.presencesync.adapter.xmpp;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import org.jivesoftware.smack.packet.Stanza;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Everything the component sends, on one thread at no more than {@code stanzasPerSecond}: answers
 * first (a subscriber waits for them), then contacts whose presence changed, then a sweep over
 * every contact with subscribers after each (re)connect. A contact waits at most once however often
 * it changed, and its presence is read when it is sent, so memory is bounded by the number of
 * contacts and a subscriber always gets the latest state.
 */
final class Outbound {

    /** Answers waiting beyond this many are dropped (their asker asks again: clients re-probe, re-subscribe). */
    static final int MAX_ANSWERS = 10_000;
    private static final Logger log = LoggerFactory.getLogger(Outbound.class);

    /** What a contact shows a subscriber now, or null when the contact is no longer shown. */
    interface Presences {
        Stanza of(EntityBareJid contact, Jid subscriber);
    }

    private final Subscribers subscribers;
    private final Presences presences;
    private final RateLimiter rate;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final ArrayDeque<Stanza> answers = new ArrayDeque<>();
    private final LinkedHashSet<EntityBareJid> changed = new LinkedHashSet<>();
    private final LinkedHashSet<EntityBareJid> sweep = new LinkedHashSet<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private ComponentStream stream;
    private final Thread worker;

    Outbound(Subscribers subscribers, Presences presences, int stanzasPerSecond) {
        this.subscribers = subscribers;
        this.presences = presences;
        this.rate = RateLimiter.of("xmpp-out", RateLimiterConfig.custom().limitForPeriod(stanzasPerSecond)
                .limitRefreshPeriod(Duration.ofSeconds(1)).timeoutDuration(Duration.ofDays(1)).build());
        this.worker = new Thread(this::run, "xmpp-outbound");
        worker.setDaemon(true);
        worker.start();
    }

    void answer(Collection<? extends Stanza> stanzas) {
        locked(() -> {
            for (Stanza s : stanzas) {
                if (answers.size() >= MAX_ANSWERS) {
                    if (dropped.incrementAndGet() % 1000 == 1) log.warn("xmpp: {} answers waiting; dropping some ({} so far)", MAX_ANSWERS, dropped.get());
                } else {
                    answers.add(s);
                }
            }
        });
    }

    /** A contact nobody follows is not queued: most users have no XMPP subscriber, and a subscription answers with the presence of the moment. */
    void changed(EntityBareJid contact) {
        if (subscribers.hasAny(contact.toString())) locked(() -> changed.add(contact));
    }

    /** Sends through {@code stream} from now on, starting a sweep over every contact with subscribers. */
    void connected(ComponentStream connected, List<String> contacts) {
        locked(() -> {
            stream = connected;
            sweep.clear();
            for (String c : contacts) {
                EntityBareJid jid = JidCreate.entityBareFromOrThrowUnchecked(c);
                if (!changed.contains(jid)) sweep.add(jid);
            }
        });
    }

    /** Nothing can be sent until the next {@link #connected}; answers to the old stream's askers are dropped. */
    void disconnected() {
        locked(() -> {
            stream = null;
            answers.clear();
        });
    }

    long sent() { return sent.get(); }

    /** Contacts waiting to be sent: changed ones and those of the sweep. */
    int waiting() {
        lock.lock();
        try {
            return changed.size() + sweep.size();
        } finally {
            lock.unlock();
        }
    }

    void close() { worker.interrupt(); }

    private void run() {
        try {
            while (true) {
                ComponentStream to;
                Stanza answer = null;
                EntityBareJid contact = null;
                lock.lock();
                try {
                    while (stream == null || answers.isEmpty() && changed.isEmpty() && sweep.isEmpty()) work.await(1, TimeUnit.SECONDS);
                    to = stream;
                    if (!answers.isEmpty()) {
                        answer = answers.poll();
                    } else {
                        // A changed contact's send covers its place in the sweep too.
                        Iterator<EntityBareJid> first = (changed.isEmpty() ? sweep : changed).iterator();
                        contact = first.next();
                        first.remove();
                        sweep.remove(contact);
                    }
                } finally {
                    lock.unlock();
                }
                try {
                    if (answer != null) send(to, answer);
                    else sendPresence(to, contact);
                } catch (IOException e) {
                    log.debug("xmpp: sending failed; the stream is closed and reconnected: {}", e.toString());
                    if (contact != null) changed(contact);
                    to.close(); // the reader sees the socket closed and reconnects
                    locked(() -> {
                        if (stream == to) stream = null;
                    });
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("xmpp: the outbound worker stopped by a bug", e);
        }
    }

    private void sendPresence(ComponentStream to, EntityBareJid contact) throws IOException {
        for (String s : subscribers.of(contact.toString())) {
            Stanza presence = presences.of(contact, JidCreate.bareFromOrThrowUnchecked(s));
            if (presence == null) return;
            send(to, presence);
        }
    }

    private void send(ComponentStream to, Stanza stanza) throws IOException {
        RateLimiter.waitForPermission(rate);
        to.send(stanza);
        sent.incrementAndGet();
    }

    private void locked(Runnable action) {
        lock.lock();
        try {
            action.run();
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
