package io.presencesync.adapter.xmpp;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who subscribed to whom, in memory for the fan-out and written through to a {@link
 * SubscriberStore}. A subscriber's JID is kept once however many contacts it follows (a colleague
 * follows dozens), and the total is capped at {@code max} subscriptions, so memory stays bounded.
 */
final class Subscribers {

    /** What {@link #add} did. */
    enum Added { NEW, KNOWN, FULL }

    private final SubscriberStore store;
    private final int max;
    private final Map<String, Set<String>> byContact = new HashMap<>();
    private final Map<String, String> interned = new HashMap<>();
    private int total;

    Subscribers(SubscriberStore store, int max) {
        this.store = store;
        this.max = max;
    }

    /** Replaces what is in memory with what the store holds (at start, and when this node takes the component over). */
    synchronized void reload() {
        byContact.clear();
        interned.clear();
        total = 0;
        store.load().forEach((contact, subscribers) -> {
            for (String s : subscribers) addInMemory(contact, s);
        });
    }

    synchronized Added add(String contact, String subscriber) {
        Set<String> of = byContact.get(contact);
        if (of != null && of.contains(subscriber)) return Added.KNOWN;
        if (total >= max) return Added.FULL;
        store.add(contact, subscriber);
        addInMemory(contact, subscriber);
        return Added.NEW;
    }

    synchronized boolean remove(String contact, String subscriber) {
        Set<String> of = byContact.get(contact);
        if (of == null || !of.contains(subscriber)) return false;
        store.remove(contact, subscriber);
        of.remove(subscriber);
        if (of.isEmpty()) byContact.remove(contact);
        total--;
        return true;
    }

    synchronized boolean isSubscribed(String contact, String subscriber) {
        Set<String> of = byContact.get(contact);
        return of != null && of.contains(subscriber);
    }

    synchronized boolean hasAny(String contact) { return byContact.containsKey(contact); }

    synchronized List<String> of(String contact) {
        Set<String> of = byContact.get(contact);
        return of == null ? List.of() : List.copyOf(of);
    }

    /** The contacts that have at least one subscriber. */
    synchronized List<String> contacts() { return List.copyOf(byContact.keySet()); }

    synchronized int count() { return total; }

    private void addInMemory(String contact, String subscriber) {
        if (byContact.computeIfAbsent(contact, c -> new LinkedHashSet<>()).add(interned.computeIfAbsent(subscriber, s -> s))) total++;
    }
}
