package io.presencesync.adapter.scheduling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.presencesync.application.TenantRoster;
import io.presencesync.application.TenantRoster.Lookups;
import io.presencesync.domain.User;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static io.presencesync.adapter.scheduling.VersionedJson.JSON;
import static io.presencesync.adapter.scheduling.VersionedJson.instant;
import static io.presencesync.adapter.scheduling.VersionedJson.put;
import static io.presencesync.adapter.scheduling.VersionedJson.required;

/**
 * A tenant's roster as stored: {@code {"tenant", "references", "groups", "users": {"found", "refused",
 * "pending"}, "groupMembers": {...}, "unitOf": {userId: unit}, "refreshedAt"}}; a user is
 * {@code {"id", "address"}}. Format 1 is the first.
 */
final class RosterJson {

    static final VersionedJson<TenantRoster> FORMAT = new VersionedJson<>(1, Map.of(), RosterJson::write, RosterJson::read);

    private RosterJson() {}

    private static ObjectNode write(TenantRoster tenantRoster) {
        TenantRoster.Saved roster = tenantRoster.saved();
        ObjectNode root = JSON.createObjectNode();
        root.put("tenant", tenantRoster.tenant());
        strings(root.putArray("references"), roster.references());
        strings(root.putArray("groups"), roster.groups());
        lookups(root.putObject("users"), roster.users(), RosterJson::user);
        lookups(root.putObject("groupMembers"), roster.groupMembers(), members -> {
            ArrayNode array = JSON.createArrayNode();
            for (User u : members) array.add(user(u));
            return array;
        });
        ObjectNode unitOf = root.putObject("unitOf");
        roster.unitOf().forEach(unitOf::put);
        put(root, "refreshedAt", roster.refreshedAt());
        return root;
    }

    private static TenantRoster read(JsonNode root) {
        Map<String, Integer> unitOf = new HashMap<>();
        required(root, "unitOf").fields().forEachRemaining(e -> unitOf.put(e.getKey(), e.getValue().asInt()));
        return TenantRoster.restore(required(root, "tenant").asText(), new TenantRoster.Saved(strings(required(root, "references")), strings(required(root, "groups")),
                lookups(required(root, "users"), RosterJson::user),
                lookups(required(root, "groupMembers"), members -> {
                    List<User> users = new ArrayList<>();
                    for (JsonNode u : members) users.add(user(u));
                    return users;
                }), unitOf, instant(root, "refreshedAt")));
    }

    private static <T> void lookups(ObjectNode node, Lookups<T> lookups, Function<T, JsonNode> value) {
        ObjectNode found = node.putObject("found");
        lookups.found().forEach((key, v) -> found.set(key, value.apply(v)));
        ObjectNode refused = node.putObject("refused");
        lookups.refused().forEach(refused::put);
        strings(node.putArray("pending"), lookups.pending());
    }

    private static <T> Lookups<T> lookups(JsonNode node, Function<JsonNode, T> value) {
        Map<String, T> found = new HashMap<>();
        required(node, "found").fields().forEachRemaining(e -> found.put(e.getKey(), value.apply(e.getValue())));
        Map<String, String> refused = new HashMap<>();
        node.path("refused").fields().forEachRemaining(e -> refused.put(e.getKey(), e.getValue().asText()));
        return new Lookups<>(found, refused, strings(node.path("pending")));
    }

    private static JsonNode user(User user) {
        return JSON.createObjectNode().put("id", user.id()).put("address", user.address());
    }

    private static User user(JsonNode node) {
        return new User(required(node, "id").asText(), required(node, "address").asText());
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        for (JsonNode v : array) values.add(v.asText());
        return values;
    }
}
