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

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static io.presencesync.adapter.scheduling.VersionedJson.JSON;
import static io.presencesync.adapter.scheduling.VersionedJson.flag;
import static io.presencesync.adapter.scheduling.VersionedJson.instant;
import static io.presencesync.adapter.scheduling.VersionedJson.put;
import static io.presencesync.adapter.scheduling.VersionedJson.required;
import static io.presencesync.adapter.scheduling.VersionedJson.requiredInstant;
import static io.presencesync.adapter.scheduling.VersionedJson.text;

/**
 * A unit's state as stored: {@code {"recovering", "windowStart", "seenAt", "users": [{"id", "address",
 * "left", "calendar": {...}, "activity": {...}, "published": {...}, "nextChange"}]}}, times as ISO-8601
 * instants, enums by name. In the database the unit's fields are its row and each user is a row of
 * their own ({@link JdbcUnitStates}).
 *
 * <p>Format 1 kept the published presence's version beside it ({@code user.version}); format 2 keeps
 * it inside ({@code user.published.version}) and adds {@code user.noneHeldUntil}. Format 3 adds the
 * unit's {@code windowStart} and {@code seenAt}: a poll sets every user's to the same instant, so a
 * user whose {@code calendar.windowStart}, {@code activity.seenAt} or {@code activity.autoReplies.seenAt}
 * is the unit's leaves it out, and a poll that changed nothing else rewrites no user. An
 * {@code activity.seenAt} of {@code null} is written as such (never polled), absent is the unit's.
 */
final class UnitStateJson {

    static final VersionedJson<UnitState> FORMAT = new VersionedJson<>(3, Map.of(1, UnitStateJson::fromFormat1, 2, UnitStateJson::fromFormat2),
            UnitStateJson::write, UnitStateJson::read);

    /**
     * The instants a unit's users share (the last poll's), left out of the users who have them.
     *
     * @param windowStart the latest calendar window's start; null: no user
     * @param seenAt      the latest call-state poll; null: none yet
     */
    record Shared(Instant windowStart, Instant seenAt) {

        static final Shared NONE = new Shared(null, null);

        /** The latest instants among the users: after a poll, those of all the users it read. */
        static Shared of(List<SavedUser> users) {
            Instant windowStart = null;
            Instant seenAt = null;
            for (SavedUser u : users) {
                windowStart = latest(windowStart, u.calendar().windowStart());
                seenAt = latest(seenAt, u.activity().seenAt());
            }
            return new Shared(windowStart, seenAt);
        }

        private static Instant latest(Instant a, Instant b) {
            return a == null || (b != null && b.isAfter(a)) ? b : a;
        }
    }

    /** Marks an instant of a {@link StoredUser} that is the unit's ({@link Shared}): it is not written. */
    static final Instant SHARED = Instant.MIN;

    /**
     * A user as their row has it: {@code rest} with its shared instants taken out into the other
     * fields, each {@link #SHARED}, null (never seen; no automatic replies) or its own. Two equal
     * StoredUsers are written as the same row, so comparing them tells which rows a run changed.
     */
    record StoredUser(SavedUser rest, Instant windowStart, Instant seenAt, Instant repliesSeenAt) {

        static StoredUser of(SavedUser u, Shared shared) {
            Activity a = u.activity();
            AutoReplies replies = a.autoReplies();
            SavedUser rest = new SavedUser(u.user(), u.left(),
                    new Calendar(u.calendar().known(), Instant.EPOCH, u.calendar().items(), u.calendar().error(), u.calendar().mailboxZone()),
                    new Activity(a.call(), replies == null ? null : new AutoReplies(replies.since(), replies.since()), null),
                    u.publication(), u.nextChange());
            return new StoredUser(rest, share(u.calendar().windowStart(), shared.windowStart()), share(a.seenAt(), shared.seenAt()),
                    replies == null ? null : share(replies.seenAt(), shared.seenAt()));
        }

        private static Instant share(Instant own, Instant unit) {
            return own != null && own.equals(unit) ? SHARED : own;
        }

        SavedUser saved(Shared shared) {
            Activity a = rest.activity();
            Instant seen = unshare(seenAt, shared.seenAt());
            AutoReplies replies = a.autoReplies() == null ? null : new AutoReplies(a.autoReplies().since(), unshare(repliesSeenAt, shared.seenAt()));
            Calendar c = rest.calendar();
            return new SavedUser(rest.user(), rest.left(),
                    new Calendar(c.known(), unshare(windowStart, shared.windowStart()), c.items(), c.error(), c.mailboxZone()),
                    new Activity(a.call(), replies, seen), rest.publication(), rest.nextChange());
        }

        private static Instant unshare(Instant own, Instant unit) {
            return own == SHARED ? Objects.requireNonNull(unit, "the unit's instant that the user shares") : own;
        }
    }

    private UnitStateJson() {}

    /** Format 1 to 2: the version moves into the published presence it belongs to. */
    private static ObjectNode fromFormat1(ObjectNode state) {
        for (JsonNode user : state.path("users")) {
            JsonNode version = ((ObjectNode) user).remove("version");
            if (version != null && user.get("published") instanceof ObjectNode published) published.set("version", version);
        }
        return state;
    }

    /** Format 2 to 3: a user never polled for call state left out {@code seenAt}, which now means the unit's. */
    private static ObjectNode fromFormat2(ObjectNode state) {
        for (JsonNode user : state.path("users")) {
            if (user.get("activity") instanceof ObjectNode activity && !activity.has("seenAt")) activity.putNull("seenAt");
        }
        return state;
    }

    private static ObjectNode write(UnitState state) {
        List<SavedUser> saved = state.saved();
        Shared shared = Shared.of(saved);
        ObjectNode root = writeUnit(state.recovering(), shared);
        ArrayNode users = root.putArray("users");
        for (SavedUser u : saved) users.add(writeUser(StoredUser.of(u, shared)));
        return root;
    }

    private static UnitState read(JsonNode root) {
        Shared shared = readShared(root);
        List<SavedUser> users = new ArrayList<>();
        for (JsonNode u : required(root, "users")) users.add(readUser(u).saved(shared));
        return UnitState.restore(users, flag(root, "recovering"));
    }

    /** The unit's own fields, without its users. */
    static ObjectNode writeUnit(boolean recovering, Shared shared) {
        ObjectNode root = JSON.createObjectNode();
        put(root, "recovering", recovering);
        put(root, "windowStart", shared.windowStart());
        put(root, "seenAt", shared.seenAt());
        return root;
    }

    static Shared readShared(JsonNode unit) {
        return new Shared(instant(unit, "windowStart"), instant(unit, "seenAt"));
    }

    static ObjectNode writeUser(StoredUser stored) {
        SavedUser u = stored.rest();
        ObjectNode user = JSON.createObjectNode();
        user.put("id", u.user().id());
        user.put("address", u.user().address());
        put(user, "displayName", u.user().displayName());
        put(user, "left", u.left());
        ObjectNode calendar = user.putObject("calendar");
        put(calendar, "known", u.calendar().known());
        if (stored.windowStart() != SHARED) calendar.put("windowStart", stored.windowStart().toString());
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
            ObjectNode replies = activity.putObject("autoReplies").put("since", u.activity().autoReplies().since().toString());
            if (stored.repliesSeenAt() != SHARED) replies.put("seenAt", stored.repliesSeenAt().toString());
        }
        if (stored.seenAt() == null) activity.putNull("seenAt");
        else if (stored.seenAt() != SHARED) activity.put("seenAt", stored.seenAt().toString());
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
        return user;
    }

    /** A user as stored; an instant left out is {@link #SHARED}. Throws IllegalArgumentException (or another RuntimeException) when unreadable. */
    static StoredUser readUser(JsonNode u) {
        User user = new User(required(u, "id").asText(), required(u, "address").asText(), text(u, "displayName"));
        JsonNode c = required(u, "calendar");
        List<FreeBusyItem> items = new ArrayList<>();
        for (JsonNode i : c.path("items")) {
            items.add(new FreeBusyItem(requiredInstant(i, "start"), requiredInstant(i, "end"), FreeBusyStatus.valueOf(required(i, "status").asText())));
        }
        String zone = text(c, "mailboxZone");
        Calendar calendar = new Calendar(flag(c, "known"), Instant.EPOCH, items, text(c, "error"), zone == null ? null : ZoneId.of(zone));
        JsonNode a = u.path("activity");
        JsonNode call = a.get("call");
        JsonNode replies = a.get("autoReplies");
        Instant repliesSince = replies == null ? null : requiredInstant(replies, "since");
        Activity activity = new Activity(call == null ? null : new CallState(required(call, "activity").asText(), requiredInstant(call, "since")),
                replies == null ? null : new AutoReplies(repliesSince, repliesSince), null);
        SavedUser rest = new SavedUser(user, flag(u, "left"), calendar, activity, publication(u), instant(u, "nextChange"));
        return new StoredUser(rest, c.has("windowStart") ? requiredInstant(c, "windowStart") : SHARED,
                a.has("seenAt") ? instant(a, "seenAt") : SHARED, replies == null ? null : replies.has("seenAt") ? requiredInstant(replies, "seenAt") : SHARED);
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
