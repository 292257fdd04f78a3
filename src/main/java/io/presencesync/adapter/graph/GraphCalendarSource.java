package io.presencesync.adapter.graph;

import com.microsoft.graph.models.FreeBusyStatus;
import com.microsoft.graph.models.ScheduleInformation;
import com.microsoft.graph.models.ScheduleItem;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.calendar.getschedule.GetSchedulePostRequestBody;
import com.microsoft.graph.users.item.calendar.getschedule.GetSchedulePostResponse;
import com.microsoft.kiota.ApiException;
import io.presencesync.application.port.CalendarSource;
import io.presencesync.application.port.SourceResult;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/** Free/busy through {@code POST /users/{anchor}/calendar/getSchedule}, 20 schedules a request. */
public final class GraphCalendarSource implements CalendarSource {

    /** Graph documents 20 schedules per getSchedule request. */
    static final int SCHEDULES_PER_REQUEST = 20;
    /** The coarsest availability view keeps the unused part of the answer small. */
    private static final int AVAILABILITY_VIEW_MINUTES = 1440;
    /** getSchedule requests in flight at once; each has its own anchor mailbox (Outlook allows 4 per mailbox). */
    static final int PARALLEL_REQUESTS = 8;
    /** How many users of one request may be tried as its anchor mailbox before the request gives up. */
    static final int MAX_ANCHOR_TRIES = 3;
    private static final Logger log = LoggerFactory.getLogger(GraphCalendarSource.class);

    private final String tenant;
    private final GraphServiceClient graph;
    private final GraphCalls calls = new GraphCalls(Clock.systemUTC());
    private final ParallelChunks parallel = new ParallelChunks("getSchedule", PARALLEL_REQUESTS);
    private final Set<String> refusedAnchors = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean unknownStatusReported = new AtomicBoolean();

    public GraphCalendarSource(String tenant, GraphServiceClient graph) {
        this.tenant = tenant;
        this.graph = graph;
    }

    @Override
    public Map<String, SourceResult<List<FreeBusyItem>>> freeBusy(List<User> users, Instant from, Instant to) {
        return parallel.run(users, SCHEDULES_PER_REQUEST, chunk -> request(chunk, from, to));
    }

    private Map<String, SourceResult<List<FreeBusyItem>>> request(List<User> chunk, Instant from, Instant to) {
        Map<String, SourceResult<List<FreeBusyItem>>> results = new HashMap<>();
        List<User> anchors = anchorsFor(chunk);
        RuntimeException failure = null;
        String anchor = null;
        for (int attempt = 0; attempt < Math.min(MAX_ANCHOR_TRIES, anchors.size()); attempt++) {
            anchor = anchors.get(attempt).id();
            try {
                String mailbox = anchor;
                // Outlook throttles per mailbox: the anchor is the scope. A fresh body for every attempt.
                GetSchedulePostResponse response = calls.call("mailbox " + mailbox, () -> graph.users().byUserId(mailbox)
                        .calendar().getSchedule().post(body(chunk, from, to), rc -> rc.headers.add("Prefer", "outlook.timezone=\"UTC\"")));
                refusedAnchors.remove(anchor);
                results.putAll(toResults(chunk, response));
                failure = null;
                break;
            } catch (RuntimeException e) {
                failure = e;
                if (!anchorRefused(e)) break;
                // The request's mailbox itself is unusable (no Exchange Online mailbox, excluded by an
                // access policy): route through another user; that user's own error comes per schedule.
                refusedAnchors.add(anchor);
                log.info("tenant {}: mailbox {} cannot carry getSchedule ({}); asking through another user",
                        tenant, anchors.get(attempt).address(), GraphErrors.describe(e));
            }
        }
        if (failure != null) {
            String why = "getSchedule via " + anchor + " failed: " + GraphErrors.describe(failure);
            log.warn("tenant {}: {} ({} users keep their last known calendar)", tenant, why, chunk.size());
            for (User u : chunk) results.put(u.id(), new SourceResult.Unavailable<>(why));
        }
        for (User u : chunk) {
            results.putIfAbsent(u.id(), new SourceResult.Unavailable<>("getSchedule returned no schedule for " + u.address()));
        }
        return results;
    }

    /** The chunk's users as request anchors, those whose mailbox refused before at the end. */
    private List<User> anchorsFor(List<User> chunk) {
        List<User> anchors = new ArrayList<>(chunk.size());
        for (User u : chunk) if (!refusedAnchors.contains(u.id())) anchors.add(u);
        for (User u : chunk) if (refusedAnchors.contains(u.id())) anchors.add(u);
        return anchors;
    }

    private static boolean anchorRefused(RuntimeException e) {
        return e instanceof ApiException a && (a.getResponseStatusCode() == 403 || a.getResponseStatusCode() == 404);
    }

    private Map<String, SourceResult<List<FreeBusyItem>>> toResults(List<User> chunk, GetSchedulePostResponse response) {
        Map<String, User> byAddress = new HashMap<>();
        for (User u : chunk) byAddress.put(u.address().toLowerCase(Locale.ROOT), u);
        Map<String, SourceResult<List<FreeBusyItem>>> results = new HashMap<>();
        List<ScheduleInformation> schedules = response == null || response.getValue() == null ? List.of() : response.getValue();
        for (ScheduleInformation info : schedules) {
            User user = info.getScheduleId() == null ? null : byAddress.get(info.getScheduleId().toLowerCase(Locale.ROOT));
            if (user == null) {
                log.warn("tenant {}: getSchedule answered for an address that was not asked: {}", tenant, info.getScheduleId());
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

    private SourceResult<List<FreeBusyItem>> toResult(User user, ScheduleInformation info) {
        if (info.getError() != null) {
            String code = info.getError().getResponseCode() == null ? "error" : info.getError().getResponseCode();
            return new SourceResult.UserError<>(code, String.valueOf(info.getError().getMessage()));
        }
        List<FreeBusyItem> items = new ArrayList<>();
        List<ScheduleItem> raw = info.getScheduleItems() == null ? List.of() : info.getScheduleItems();
        for (int i = 0; i < raw.size(); i++) {
            ScheduleItem item = raw.get(i);
            try {
                items.add(new FreeBusyItem(GraphTime.instant(item.getStart()), GraphTime.instant(item.getEnd()), status(item.getStatus())));
            } catch (DateTimeException | IllegalArgumentException e) {
                // One unusable item must not hide the rest of the calendar (a user on leave would show NONE).
                // Subjects are never logged: only the position and the reason.
                log.warn("tenant {}: scheduleItems[{}] of {} skipped: {}", tenant, i, user.address(), e.getMessage());
            }
        }
        return new SourceResult.Ok<>(items);
    }

    /** A status the SDK does not know (a new showAs) arrives as null: no presence, and it is reported. */
    private io.presencesync.domain.FreeBusyStatus status(FreeBusyStatus s) {
        if (s == null) {
            if (unknownStatusReported.compareAndSet(false, true)) {
                log.warn("tenant {}: Graph returned a free/busy status presence-sync does not know; such appointments show no presence", tenant);
            }
            return io.presencesync.domain.FreeBusyStatus.UNKNOWN;
        }
        return switch (s) {
            case Free -> io.presencesync.domain.FreeBusyStatus.FREE;
            case Tentative -> io.presencesync.domain.FreeBusyStatus.TENTATIVE;
            case Busy -> io.presencesync.domain.FreeBusyStatus.BUSY;
            case Oof -> io.presencesync.domain.FreeBusyStatus.OOF;
            case WorkingElsewhere -> io.presencesync.domain.FreeBusyStatus.WORKING_ELSEWHERE;
            case Unknown -> io.presencesync.domain.FreeBusyStatus.UNKNOWN;
        };
    }
}
