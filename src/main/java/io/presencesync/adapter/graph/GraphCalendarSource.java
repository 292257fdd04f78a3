package io.presencesync.adapter.graph;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.calendar.getschedule.GetSchedulePostRequestBody;
import com.microsoft.kiota.ApiException;
import com.microsoft.kiota.RequestInformation;
import io.presencesync.adapter.config.GraphSettings;
import io.presencesync.application.port.CalendarSource;
import io.presencesync.application.port.MailboxSchedule;
import io.presencesync.application.port.SourceResult;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Free/busy through {@code POST /users/{anchor}/calendar/getSchedule}: up to
 * {@code schedulesPerRequest} users a request (20 by default), up to 20 requests in one
 * {@code $batch}, each anchored on a mailbox of its own users.
 */
final class GraphCalendarSource implements CalendarSource {

    /** The coarsest availability view keeps the unused part of the answer small. */
    private static final int AVAILABILITY_VIEW_MINUTES = 1440;
    /** {@code $batch} requests in flight at once; each request's items have anchors of their own. */
    static final int PARALLEL_BATCHES = 8;
    /** How many users of one request may be tried as its anchor mailbox before the request gives up. */
    static final int MAX_ANCHOR_TRIES = 3;
    /** The throttling scope of the batch requests themselves (their items are throttled per anchor mailbox). */
    static final String BATCH_SCOPE = "$batch";
    private static final Logger log = LoggerFactory.getLogger(GraphCalendarSource.class);

    private final String tenant;
    private final GraphServiceClient graph;
    private final int schedulesPerRequest;
    private final GraphCalls calls;
    private final ParallelChunks parallel = new ParallelChunks("getSchedule", PARALLEL_BATCHES);
    private final AnchorMailboxes anchors = new AnchorMailboxes();
    private final AtomicBoolean unknownStatusReported = new AtomicBoolean();

    /**
     * @param settings the tenant's {@code tenants[].graph} (users per getSchedule request)
     * @param calls    the tenant's one retry layer and circuit breaker
     */
    GraphCalendarSource(String tenant, GraphServiceClient graph, GraphSettings settings, GraphCalls calls) {
        this.tenant = tenant;
        this.graph = graph;
        this.schedulesPerRequest = settings.schedulesPerRequest();
        this.calls = calls;
    }

    @Override
    public Map<String, SourceResult<MailboxSchedule>> schedules(List<User> users, Instant from, Instant to) {
        return parallel.run(users, schedulesPerRequest * GraphBatch.MAX_ITEMS, batchUsers -> batch(batchUsers, from, to));
    }

    @Override
    public Map<String, SourceResult<List<FreeBusyItem>>> freeBusy(List<User> users, Instant from, Instant to) {
        Map<String, SourceResult<List<FreeBusyItem>>> items = new HashMap<>();
        schedules(users, from, to).forEach((id, r) -> items.put(id, r.map(MailboxSchedule::items)));
        return items;
    }

    /** One getSchedule request of a batch: its users and the anchor mailboxes tried so far. */
    private static final class ScheduleRequest {
        final List<User> users;
        final List<String> tried = new ArrayList<>();
        String anchor;

        ScheduleRequest(List<User> users) { this.users = users; }
    }

    /** The users of one {@code $batch}; a request whose anchor refused is sent again through another of its users. */
    private Map<String, SourceResult<MailboxSchedule>> batch(List<User> users, Instant from, Instant to) {
        Map<String, SourceResult<MailboxSchedule>> results = new HashMap<>();
        List<ScheduleRequest> pending = new ArrayList<>();
        for (int i = 0; i < users.size(); i += schedulesPerRequest) {
            pending.add(new ScheduleRequest(users.subList(i, Math.min(users.size(), i + schedulesPerRequest))));
        }
        while (!pending.isEmpty()) {
            List<ScheduleRequest> sendable = new ArrayList<>();
            for (ScheduleRequest r : pending) {
                Optional<String> anchor = anchors.take(r.users, r.tried);
                if (anchor.isEmpty()) {
                    unavailable(results, r, "getSchedule not sent: every mailbox of its users already carries "
                            + AnchorMailboxes.PER_MAILBOX + " requests");
                    continue;
                }
                r.anchor = anchor.get();
                r.tried.add(r.anchor);
                sendable.add(r);
            }
            Map<ScheduleRequest, GraphBatch.Answer<JsonArray>> answers;
            try {
                // Outlook throttles per mailbox: an item's anchor is its scope.
                answers = calls.batch(BATCH_SCOPE, sendable, r -> "mailbox " + r.anchor, items -> send(items, from, to));
            } finally {
                for (ScheduleRequest r : sendable) anchors.release(r.anchor);
            }
            pending = new ArrayList<>();
            for (ScheduleRequest r : sendable) {
                GraphBatch.Answer<JsonArray> answer = answers.get(r);
                if (answer.isOk()) {
                    anchors.answered(r.anchor);
                    results.putAll(toResults(r.users, answer.value()));
                    continue;
                }
                RuntimeException failure = answer.failure();
                if (anchorRefused(failure)) {
                    // The request's mailbox itself is unusable (no Exchange Online mailbox, excluded by an
                    // access policy): route through another user; that user's own error comes per schedule.
                    anchors.refused(r.anchor);
                    if (r.tried.size() < Math.min(MAX_ANCHOR_TRIES, r.users.size())) {
                        log.info("tenant {}: mailbox {} cannot carry getSchedule ({}); asking through another user",
                                tenant, address(r, r.anchor), GraphErrors.describe(failure));
                        pending.add(r);
                        continue;
                    }
                }
                unavailable(results, r, "getSchedule via " + address(r, r.anchor) + " failed: " + GraphErrors.describe(failure));
            }
        }
        for (User u : users) {
            results.putIfAbsent(u.id(), new SourceResult.Unavailable<>("getSchedule returned no schedule for " + u.address()));
        }
        return results;
    }

    /**
     * The requests as one {@code $batch}, under ids of our own. A fresh body for every request: SDK
     * models keep a backing store that, once serialised, sends only changed values the second time.
     */
    private Map<ScheduleRequest, GraphBatch.Answer<JsonArray>> send(List<ScheduleRequest> requests, Instant from, Instant to) {
        Map<String, ScheduleRequest> byId = new LinkedHashMap<>();
        Map<String, RequestInformation> items = new LinkedHashMap<>();
        for (ScheduleRequest r : requests) {
            String id = Integer.toString(byId.size() + 1);
            byId.put(id, r);
            items.put(id, graph.users().byUserId(r.anchor).calendar().getSchedule()
                    .toPostRequestInformation(body(r.users, from, to), rc -> rc.headers.add("Prefer", "outlook.timezone=\"UTC\"")));
        }
        Map<String, GraphBatch.Answer<JsonArray>> answers = GraphBatch.send(graph, items, GraphCalendarSource::schedules);
        Map<ScheduleRequest, GraphBatch.Answer<JsonArray>> byRequest = new HashMap<>();
        answers.forEach((id, answer) -> byRequest.put(byId.get(id), answer));
        return byRequest;
    }

    private void unavailable(Map<String, SourceResult<MailboxSchedule>> results, ScheduleRequest r, String why) {
        log.warn("tenant {}: {} ({} users keep their last known calendar)", tenant, why, r.users.size());
        for (User u : r.users) results.put(u.id(), new SourceResult.Unavailable<>(why));
    }

    private static String address(ScheduleRequest r, String id) {
        return r.users.stream().filter(u -> u.id().equals(id)).map(User::address).findFirst().orElse(id);
    }

    private static boolean anchorRefused(RuntimeException e) {
        return e instanceof ApiException a && (a.getResponseStatusCode() == 403 || a.getResponseStatusCode() == 404);
    }

    /**
     * The answer's schedules, read from the JSON as it came: the SDK's models cost about 2 KB of
     * garbage per string value (Kiota reads each through a new Gson reader), which at 100,000 users
     * was most of what the service allocated.
     */
    static JsonArray schedules(JsonObject body) {
        JsonElement value = body.get("value");
        if (value == null || !value.isJsonArray()) throw new IllegalStateException("no schedules");
        return value.getAsJsonArray();
    }

    private Map<String, SourceResult<MailboxSchedule>> toResults(List<User> chunk, JsonArray schedules) {
        Map<String, User> byAddress = new HashMap<>();
        for (User u : chunk) byAddress.put(u.address().toLowerCase(Locale.ROOT), u);
        Map<String, SourceResult<MailboxSchedule>> results = new HashMap<>();
        for (JsonElement element : schedules) {
            JsonObject info = element.isJsonObject() ? element.getAsJsonObject() : new JsonObject();
            String scheduleId = string(info, "scheduleId");
            User user = scheduleId == null ? null : byAddress.get(scheduleId.toLowerCase(Locale.ROOT));
            if (user == null) {
                log.warn("tenant {}: getSchedule answered for an address that was not asked: {}", tenant, scheduleId);
                continue;
            }
            results.put(user.id(), toResult(user, info));
        }
        return results;
    }

    private static GetSchedulePostRequestBody body(List<User> chunk, Instant from, Instant to) {
        GetSchedulePostRequestBody body = new GetSchedulePostRequestBody();
        body.setSchedules(chunk.stream().map(User::address).toList());
        body.setStartTime(GraphTime.utc(from));
        body.setEndTime(GraphTime.utc(to));
        body.setAvailabilityViewInterval(AVAILABILITY_VIEW_MINUTES);
        return body;
    }

    private SourceResult<MailboxSchedule> toResult(User user, JsonObject info) {
        if (info.get("error") instanceof JsonObject error) {
            String code = string(error, "responseCode");
            return new SourceResult.UserError<>(code == null ? "error" : code, String.valueOf(string(error, "message")));
        }
        List<FreeBusyItem> items = new ArrayList<>();
        JsonArray raw = info.get("scheduleItems") instanceof JsonArray a ? a : new JsonArray();
        for (int i = 0; i < raw.size(); i++) {
            try {
                JsonObject item = raw.get(i).getAsJsonObject();
                items.add(new FreeBusyItem(instant(item, "start"), instant(item, "end"), status(string(item, "status"))));
            } catch (DateTimeException | IllegalArgumentException | IllegalStateException e) {
                // One unusable item must not hide the rest of the calendar (a user on leave would show NONE).
                // Subjects are never logged: only the position and the reason.
                log.warn("tenant {}: scheduleItems[{}] of {} skipped: {}", tenant, i, user.address(), e.getMessage());
            }
        }
        return new SourceResult.Ok<>(new MailboxSchedule(items, mailboxZone(info)));
    }

    /** The zone of the mailbox's working hours; null when absent or not a zone Java knows ("Customized Time Zone"). */
    private static ZoneId mailboxZone(JsonObject info) {
        if (!(info.get("workingHours") instanceof JsonObject hours) || !(hours.get("timeZone") instanceof JsonObject zone)) return null;
        String name = string(zone, "name");
        if (name == null) return null;
        try {
            return GraphTime.zone(name);
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static Instant instant(JsonObject item, String name) {
        if (!(item.get(name) instanceof JsonObject time)) throw new DateTimeException("missing " + name);
        return GraphTime.instant(string(time, "dateTime"), string(time, "timeZone"));
    }

    /** A string property, or null when absent or not a JSON primitive. */
    private static String string(JsonObject object, String name) {
        JsonElement e = object.get(name);
        return e != null && e.isJsonPrimitive() ? e.getAsString() : null;
    }

    /** Graph's free/busy status names; a name presence-sync does not know (a new showAs) shows no presence, and is reported. */
    private io.presencesync.domain.FreeBusyStatus status(String s) {
        io.presencesync.domain.FreeBusyStatus known = s == null ? null : switch (s) {
            case "free" -> io.presencesync.domain.FreeBusyStatus.FREE;
            case "tentative" -> io.presencesync.domain.FreeBusyStatus.TENTATIVE;
            case "busy" -> io.presencesync.domain.FreeBusyStatus.BUSY;
            case "oof" -> io.presencesync.domain.FreeBusyStatus.OOF;
            case "workingElsewhere" -> io.presencesync.domain.FreeBusyStatus.WORKING_ELSEWHERE;
            case "unknown" -> io.presencesync.domain.FreeBusyStatus.UNKNOWN;
            default -> null;
        };
        if (known != null) return known;
        if (unknownStatusReported.compareAndSet(false, true)) {
            log.warn("tenant {}: Graph returned a free/busy status presence-sync does not know; such appointments show no presence", tenant);
        }
        return io.presencesync.domain.FreeBusyStatus.UNKNOWN;
    }
}
