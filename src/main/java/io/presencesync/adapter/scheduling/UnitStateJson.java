package io.presencesync.adapter.scheduling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.presencesync.application.UnitState;
import io.presencesync.application.UnitState.Activity;
import io.presencesync.application.UnitState.Calendar;
import io.presencesync.application.UnitState.Publication;
import io.presencesync.application.UnitState.SavedUser;
import io.presencesync.domain.AutoReplies;
import io.presencesync.domain.CallState;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.EventState;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.FreeBusyStatus;
import io.presencesync.domain.Reason;
import io.presencesync.domain.User;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.presencesync.adapter.scheduling.VersionedJson.JSON;
import static io.presencesync.adapter.scheduling.VersionedJson.flag;
import static io.presencesync.adapter.scheduling.VersionedJson.instant;
import static io.presencesync.adapter.scheduling.VersionedJson.put;
import static io.presencesync.adapter.scheduling.VersionedJson.required;
import static io.presencesync.adapter.scheduling.VersionedJson.requiredInstant;
import static io.presencesync.adapter.scheduling.VersionedJson.text;

/**
 * A unit's state as stored: {@code {"recovering", "users": [{"id", "address", "left", "calendar": {...},
 * "activity": {...}, "published": {...}, "nextChange"}]}}, times as ISO-8601 instants, enums by name.
 * Format 1 kept the published presence's version beside it ({@code user.version}); format 2 keeps
 * it inside ({@code user.published.version}) and adds {@code user.noneHeldUntil}.
 */
final class UnitStateJson {

    static final VersionedJson<UnitState> FORMAT = new VersionedJson<>(2, Map.of(1, UnitStateJson::fromFormat1),
            UnitStateJson::write, UnitStateJson::read);

    private UnitStateJson() {}

    /** Format 1 to 2: the version moves into the published presence it belongs to. */
    private static ObjectNode fromFormat1(ObjectNode state) {
        for (JsonNode user : state.path("users")) {
            JsonNode version = ((ObjectNode) user).remove("version");
            if (version != null && user.get("published") instanceof ObjectNode published) published.set("version", version);
        }
        return state;
    }

    private static ObjectNode write(UnitState state) {
        ObjectNode root = JSON.createObjectNode();
        put(root, "recovering", state.recovering());
        ArrayNode users = root.putArray("users");
        for (SavedUser u : state.saved()) {
            ObjectNode user = users.addObject();
            user.put("id", u.user().id());
            user.put("address", u.user().address());
            put(user, "displayName", u.user().displayName());
            put(user, "left", u.left());
            ObjectNode calendar = user.putObject("calendar");
            put(calendar, "known", u.calendar().known());
            put(calendar, "windowStart", u.calendar().windowStart());
            ArrayNode items = calendar.putArray("items");
            for (FreeBusyItem i : u.calendar().items()) items.addObject().put("start", i.start().toString()).put("end", i.end().toString())
                    .put("status", i.status().name());
            put(calendar, "error", u.calendar().error());
            if (u.calendar().mailboxZone() != null) calendar.put("mailboxZone", u.calendar().mailboxZone().getId());
            ObjectNode activity = user.putObject("activity");
            if (u.activity().call() != null) {
                activity.putObject("call").put("activity", u.activity().call().activity()).put("since", u.activity().call().since().toString());
            }
            if (u.activity().autoReplies() != null) {
                activity.putObject("autoReplies").put("since", u.activity().autoReplies().since().toString())
                        .put("seenAt", u.activity().autoReplies().seenAt().toString());
            }
            put(activity, "seenAt", u.activity().seenAt());
            Publication p = u.publication();
            if (p.presence() != null) {
                ObjectNode published = user.putObject("published");
                published.put("state", p.presence().state().name());
                put(published, "reason", p.presence().reason());
                put(published, "since", p.presence().since());
                put(published, "until", p.presence().until());
                published.put("version", p.version());
                put(published, "renewNone", p.renewNone());
                put(published, "failing", p.failing());
            }
            put(user, "noneHeldUntil", p.noneHeldUntil());
            put(user, "nextChange", u.nextChange());
        }
        return root;
    }

    private static UnitState read(JsonNode root) {
        List<SavedUser> users = new ArrayList<>();
        for (JsonNode u : required(root, "users")) {
            User user = new User(required(u, "id").asText(), required(u, "address").asText(), text(u, "displayName"));
            JsonNode c = required(u, "calendar");
            List<FreeBusyItem> items = new ArrayList<>();
            for (JsonNode i : c.path("items")) {
                items.add(new FreeBusyItem(requiredInstant(i, "start"), requiredInstant(i, "end"), FreeBusyStatus.valueOf(required(i, "status").asText())));
            }
            String zone = text(c, "mailboxZone");
            Calendar calendar = new Calendar(flag(c, "known"), requiredInstant(c, "windowStart"), items, text(c, "error"),
                    zone == null ? null : ZoneId.of(zone));
            JsonNode a = u.path("activity");
            JsonNode call = a.get("call");
            JsonNode replies = a.get("autoReplies");
            Activity activity = new Activity(call == null ? null : new CallState(required(call, "activity").asText(), requiredInstant(call, "since")),
                    replies == null ? null : new AutoReplies(requiredInstant(replies, "since"), requiredInstant(replies, "seenAt")), instant(a, "seenAt"));
            users.add(new SavedUser(user, flag(u, "left"), calendar, activity, publication(u), instant(u, "nextChange")));
        }
        return UnitState.restore(users, flag(root, "recovering"));
    }

    private static Publication publication(JsonNode user) {
        JsonNode p = user.get("published");
        if (p == null) return new Publication(null, 0, false, false, instant(user, "noneHeldUntil"));
        String reason = text(p, "reason");
        EventPresence presence = new EventPresence(EventState.valueOf(required(p, "state").asText()),
                reason == null ? null : Reason.valueOf(reason), requiredInstant(p, "since"), instant(p, "until"));
        return new Publication(presence, required(p, "version").asLong(), flag(p, "renewNone"), flag(p, "failing"), instant(user, "noneHeldUntil"));
    }
}
