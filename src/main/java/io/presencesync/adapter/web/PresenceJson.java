package io.presencesync.adapter.web;

import io.presencesync.adapter.publisher.EmbeddedPresenceStore;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.domain.EffectivePresence;
import io.presencesync.domain.ManualPresence;
import io.presencesync.domain.Profile;

import java.util.LinkedHashMap;
import java.util.Map;

/** The JSON shape of a user's presence in the store API and the event stream (documented in docs/store-api.md). */
final class PresenceJson {

    private PresenceJson() {}

    static Map<String, Object> of(String tenant, EmbeddedPresenceStore.Entry entry) {
        EffectivePresence effective = entry.effective();
        ManualPresence manual = entry.manual();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("tenant", tenant);
        json.put("userId", entry.user().id());
        json.put("upn", entry.user().address());
        Map<String, Object> shown = new LinkedHashMap<>();
        shown.put("state", effective.state().name());
        shown.put("label", effective.state().label());
        shown.put("source", effective.event() != null ? "event" : manual != null ? "manual" : "none");
        shown.put("profile", profile(effective.profile()));
        json.put("effective", shown);
        json.put("profileSuspended", manual != null && manual.profile() != null && effective.event() != null);
        json.put("manual", manual == null ? null : manual(manual));
        json.put("event", event(entry.event()));
        return json;
    }

    private static Map<String, Object> manual(ManualPresence manual) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("state", manual.state().name());
        json.put("setAt", manual.setAt().toString());
        json.put("profile", profile(manual.profile()));
        return json;
    }

    private static Map<String, Object> event(PresenceUpdate update) {
        if (update == null) return null;
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("state", update.presence().state().name());
        json.put("reason", update.presence().reason() == null ? null : update.presence().reason().name());
        json.put("since", update.presence().since().toString());
        json.put("until", update.presence().until() == null ? null : update.presence().until().toString());
        json.put("version", update.version());
        return json;
    }

    private static Map<String, Object> profile(Profile profile) {
        if (profile == null) return null;
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("note", profile.note());
        json.put("duration", profile.durationText());
        json.put("reachability", profile.reachability());
        json.put("callForwarding", profile.callForwarding());
        return json;
    }
}
