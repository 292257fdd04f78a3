package io.presencesync.adapter.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.presencesync.domain.ManualPresence;
import io.presencesync.domain.PresenceState;
import io.presencesync.domain.Profile;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The body of {@code PUT /api/presences/{tenant}/{user}/manual}, validated field by field:
 * {@code {"state": "AWAY", "profile": {"note": "…", "duration": "PT2H" | "until": "…Z",
 * "reachability": "…", "callForwarding": "+49 …"}}}. The profile is optional.
 */
final class ManualPresenceRequest {

    static final int MAX_NOTE = 500;
    static final int MAX_REACHABILITY = 200;
    static final Duration MAX_DURATION = Duration.ofDays(31);
    /** A phone number (digits, spaces, + ( ) - /) or a sip:/tel: URI. */
    static final Pattern FORWARDING = Pattern.compile("\\+?[0-9][0-9 ()/-]{1,30}|(sip|tel):[^\\s<>\"]{1,120}");
    private static final Set<String> FIELDS = Set.of("state", "profile");
    private static final Set<String> PROFILE_FIELDS = Set.of("note", "duration", "until", "reachability", "callForwarding");

    private ManualPresenceRequest() {}

    static ManualPresence parse(String body, Instant now) {
        JsonNode root;
        try {
            root = HttpResponses.JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadRequest(null, "the body is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) throw new BadRequest(null, "the body must be a JSON object such as {\"state\": \"AWAY\"}");
        onlyKnown(root, FIELDS, "");
        PresenceState state = state(root.get("state"));
        JsonNode profile = root.get("profile");
        if (profile == null || profile.isNull()) return new ManualPresence(state, null, now);
        if (!profile.isObject()) throw new BadRequest("profile", "profile must be an object");
        onlyKnown(profile, PROFILE_FIELDS, "profile.");
        return new ManualPresence(state, new Profile(until(profile, now), text(profile, "reachability", MAX_REACHABILITY),
                text(profile, "note", MAX_NOTE), forwarding(profile)), now);
    }

    private static PresenceState state(JsonNode node) {
        String choices = Arrays.stream(PresenceState.values()).filter(PresenceState::manuallySelectable).map(Enum::name)
                .reduce((a, b) -> a + ", " + b).orElseThrow();
        if (node == null || !node.isTextual()) throw new BadRequest("state", "state is required: one of " + choices);
        PresenceState state;
        try {
            state = PresenceState.valueOf(node.asText());
        } catch (IllegalArgumentException e) {
            throw new BadRequest("state", "unknown state \"" + node.asText() + "\"; one of " + choices);
        }
        if (!state.manuallySelectable()) throw new BadRequest("state", state + " is set automatically, never by hand; one of " + choices);
        return state;
    }

    /** The profile's period as text: {@code until <instant>}, from either a duration or an end. */
    private static String until(JsonNode profile, Instant now) {
        String duration = text(profile, "duration", 40);
        String until = text(profile, "until", 40);
        if (duration != null && until != null) throw new BadRequest("profile.until", "give profile.duration or profile.until, not both");
        Instant end;
        if (duration != null) {
            Duration d;
            try {
                d = Duration.parse(duration);
            } catch (DateTimeParseException e) {
                throw new BadRequest("profile.duration", "profile.duration must be an ISO-8601 duration such as PT2H, not \"" + duration + "\"");
            }
            if (d.isNegative() || d.isZero() || d.compareTo(MAX_DURATION) > 0) {
                throw new BadRequest("profile.duration", "profile.duration must be positive and at most " + MAX_DURATION.toDays() + " days");
            }
            end = now.plus(d);
        } else if (until != null) {
            try {
                end = Instant.parse(until);
            } catch (DateTimeParseException e) {
                throw new BadRequest("profile.until", "profile.until must be an instant such as 2026-12-01T17:00:00Z, not \"" + until + "\"");
            }
            if (!end.isAfter(now)) throw new BadRequest("profile.until", "profile.until " + until + " is not in the future");
        } else {
            return null;
        }
        return "until " + end;
    }

    private static String forwarding(JsonNode profile) {
        String target = text(profile, "callForwarding", 130);
        if (target != null && !FORWARDING.matcher(target).matches()) {
            throw new BadRequest("profile.callForwarding", "profile.callForwarding must be a phone number (+49 170 1234567) or a sip:/tel: URI");
        }
        return target;
    }

    private static String text(JsonNode parent, String field, int max) {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) return null;
        if (!node.isTextual()) throw new BadRequest("profile." + field, "profile." + field + " must be a string");
        String value = node.asText().strip();
        if (value.length() > max) throw new BadRequest("profile." + field, "profile." + field + " is longer than " + max + " characters");
        return value.isEmpty() ? null : value;
    }

    private static void onlyKnown(JsonNode object, Set<String> known, String prefix) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) throw new BadRequest(prefix + name, "unknown field " + prefix + name + "; known: " + String.join(", ", known));
        }
    }
}
