package io.presencesync.adapter.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.presencesync.adapter.demo.DemoCalendars.Appointment;
import io.presencesync.adapter.demo.DemoCalendars.DemoUser;
import io.presencesync.adapter.demo.DemoCalendars.TeamsPresence;
import io.presencesync.adapter.graph.GraphTime;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Graph endpoints the service uses (and calendarView, for comparison), answered from {@link DemoCalendars}. */
final class DemoGraphApi {

    static final int MAX_SCHEDULES = 100;
    static final int MAX_PRESENCE_IDS = 650;
    static final Duration MAX_WINDOW = Duration.ofDays(62);
    static final int DEFAULT_PAGE = 100;
    static final int MAX_PAGE = 999;

    private static final DateTimeFormatter GRAPH_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS");
    private static final Pattern PREFER_TIME_ZONE = Pattern.compile("outlook\\.timezone\\s*=\\s*\"([^\"]+)\"");

    private final DemoCalendars calendars;
    private final Clock clock;
    private volatile Consumer<List<String>> scheduleReads = addresses -> { };

    void onGetSchedule(Consumer<List<String>> listener) { scheduleReads = listener; }

    DemoGraphApi(DemoCalendars calendars, Clock clock) {
        this.calendars = calendars;
        this.clock = clock;
    }

    /** {@code GET /users/{id | userPrincipalName}} with an optional {@code $select}. */
    DemoReply user(String idOrUpn, DemoRequest request) {
        DemoUser user = calendars.find(idOrUpn).orElseThrow(() -> DemoReply.graphError(404, "Request_ResourceNotFound",
                "Resource '" + idOrUpn + "' does not exist or one of its queried reference-property objects are not present.").fault());
        ObjectNode body = userJson(user, request.query().get("$select"));
        return DemoReply.ok(body);
    }

    /** {@code POST /users/{anchor}/calendar/getSchedule}: the items of each schedule that overlap the window. */
    DemoReply schedule(String anchor, DemoRequest request) {
        if (calendars.find(anchor).isEmpty()) {
            throw DemoReply.graphError(404, "ErrorInvalidUser", "The requested user '" + anchor + "' is invalid.").fault();
        }
        JsonNode body = request.json();
        List<String> schedules = strings(DemoRequest.property(body, "schedules"), "Schedules", MAX_SCHEDULES);
        scheduleReads.accept(schedules);
        Instant from = instant(DemoRequest.property(body, "startTime"), "StartTime");
        Instant to = instant(DemoRequest.property(body, "endTime"), "EndTime");
        if (!to.isAfter(from) || Duration.between(from, to).compareTo(MAX_WINDOW) > 0) {
            throw invalid("The time window must end after it starts and span at most 62 days.");
        }
        JsonNode intervalNode = DemoRequest.property(body, "availabilityViewInterval");
        int interval = intervalNode == null || intervalNode.isNull() ? 30 : intervalNode.asInt(-1);
        if (interval < 5 || interval > 1440) throw invalid("AvailabilityViewInterval must be between 5 and 1440 minutes.");

        String zoneName = preferredTimeZone(request.header("Prefer"));
        ZoneId zone = GraphTime.zone(zoneName);
        ArrayNode value = DemoReply.JSON.createArrayNode();
        for (String address : schedules) {
            ObjectNode info = value.addObject().put("scheduleId", address);
            var user = calendars.find(address);
            if (user.isEmpty()) {
                // Real Graph answers an unknown address inside the 200, per schedule.
                info.putObject("error").put("message", "The mailbox " + address + " could not be found.").put("responseCode", "5009");
                continue;
            }
            List<Appointment> items = calendars.appointments(user.get().id(), from, to);
            info.put("availabilityView", availabilityView(items, from, to, interval));
            ArrayNode scheduleItems = info.putArray("scheduleItems");
            for (Appointment a : items) {
                // The subject is served even for private items: tests prove it never travels further.
                ObjectNode item = scheduleItems.addObject().put("isPrivate", a.isPrivate()).put("status", a.status())
                        .put("subject", a.subject()).put("location", a.location());
                item.set("start", dateTime(a.start(), zone, zoneName));
                item.set("end", dateTime(a.end(), zone, zoneName));
            }
            info.set("workingHours", workingHours(user.get()));
        }
        ObjectNode reply = DemoReply.JSON.createObjectNode();
        reply.set("value", value);
        return DemoReply.ok(reply);
    }

    /**
     * {@code GET /groups/{id}/transitiveMembers/graph.user}: the all-users group in pages of {@code $top}
     * (default 100, at most 999), each but the last with an absolute {@code @odata.nextLink}.
     */
    DemoReply groupMembers(String groupId, DemoRequest request, String baseUrl) {
        if (!DemoCalendars.ALL_USERS_GROUP_ID.equalsIgnoreCase(groupId)) {
            throw DemoReply.graphError(404, "Request_ResourceNotFound", "Resource '" + groupId
                    + "' does not exist or one of its queried reference-property objects are not present.").fault();
        }
        Map<String, String> query = request.query();
        int top = integer(query.get("$top"), DEFAULT_PAGE, "$top");
        if (top < 1 || top > MAX_PAGE) throw invalid("Invalid page size specified: '" + top + "'. Must be between 1 and " + MAX_PAGE + ".");
        int skip = integer(query.get("$skiptoken"), 0, "$skiptoken");
        List<DemoUser> users = calendars.users();
        if (skip < 0 || skip > users.size()) throw invalid("The $skiptoken is not valid.");
        String select = query.get("$select");
        ArrayNode value = DemoReply.JSON.createArrayNode();
        int to = Math.min(users.size(), skip + top);
        for (DemoUser u : users.subList(skip, to)) value.add(userJson(u, select));
        ObjectNode reply = DemoReply.JSON.createObjectNode();
        reply.set("value", value);
        if (to < users.size()) {
            StringBuilder next = new StringBuilder(baseUrl).append("/groups/").append(groupId)
                    .append("/transitiveMembers/graph.user?%24top=").append(top).append("&%24skiptoken=").append(to);
            if (select != null) next.append("&%24select=").append(URLEncoder.encode(select, StandardCharsets.UTF_8));
            reply.put("@odata.nextLink", next.toString());
        }
        return DemoReply.ok(reply);
    }

    /**
     * {@code GET /users/{id}/calendarView?startDateTime=…&endDateTime=…}: the user's events in the window,
     * all in one page (Graph would page at 10 by default: this only ever under-counts the requests).
     */
    DemoReply calendarView(String idOrUpn, DemoRequest request) {
        DemoUser user = calendars.find(idOrUpn).orElseThrow(() ->
                DemoReply.graphError(404, "ErrorInvalidUser", "The requested user '" + idOrUpn + "' is invalid.").fault());
        Map<String, String> query = request.query();
        String start = query.get("startDateTime");
        String end = query.get("endDateTime");
        if (start == null || end == null) {
            throw invalid("This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.");
        }
        Instant from = queryInstant(start, "StartDateTime");
        Instant to = queryInstant(end, "EndDateTime");
        if (!to.isAfter(from)) throw invalid("EndDateTime must be after StartDateTime.");
        String zoneName = preferredTimeZone(request.header("Prefer"));
        ZoneId zone = GraphTime.zone(zoneName);
        ArrayNode value = DemoReply.JSON.createArrayNode();
        for (Appointment a : calendars.appointments(user.id(), from, to)) {
            ObjectNode event = value.addObject()
                    .put("id", UUID.nameUUIDFromBytes((user.id() + "/" + a.start()).getBytes(StandardCharsets.UTF_8)).toString())
                    .put("subject", a.subject()).put("showAs", a.status()).put("isAllDay", false)
                    .put("sensitivity", a.isPrivate() ? "private" : "normal");
            event.set("start", dateTime(a.start(), zone, zoneName));
            event.set("end", dateTime(a.end(), zone, zoneName));
            event.putObject("location").put("displayName", a.location());
        }
        ObjectNode reply = DemoReply.JSON.createObjectNode();
        reply.set("value", value);
        return DemoReply.ok(reply);
    }

    /** {@code POST /communications/getPresencesByUserId}: unknown ids are left out of the answer. */
    DemoReply presences(DemoRequest request) {
        List<String> ids = strings(DemoRequest.property(request.json(), "ids"), "Ids", MAX_PRESENCE_IDS);
        Instant now = clock.instant();
        ArrayNode value = DemoReply.JSON.createArrayNode();
        for (String id : ids) {
            calendars.find(id).filter(u -> u.id().equalsIgnoreCase(id)).ifPresent(user -> {
                TeamsPresence p = calendars.presenceAt(user.id(), now);
                ObjectNode presence = value.addObject().put("id", user.id())
                        .put("availability", p.availability()).put("activity", p.activity());
                presence.putObject("outOfOfficeSettings").putNull("message").put("isOutOfOffice", p.outOfOffice());
            });
        }
        ObjectNode reply = DemoReply.JSON.createObjectNode();
        reply.set("value", value);
        return DemoReply.ok(reply);
    }

    /** One digit per interval: the strongest status of the items overlapping it (oof > busy > tentative > elsewhere). */
    private static String availabilityView(List<Appointment> items, Instant from, Instant to, int intervalMinutes) {
        Duration step = Duration.ofMinutes(intervalMinutes);
        StringBuilder view = new StringBuilder();
        for (Instant slot = from; slot.isBefore(to); slot = slot.plus(step)) {
            Instant slotEnd = slot.plus(step);
            String strongest = DemoCalendars.FREE;
            for (Appointment a : items) {
                if (a.overlaps(slot, slotEnd) && strength(a.status()) > strength(strongest)) strongest = a.status();
            }
            view.append(digit(strongest));
        }
        return view.toString();
    }

    private static int strength(String status) {
        return switch (status) {
            case DemoCalendars.WORKING_ELSEWHERE -> 1;
            case DemoCalendars.TENTATIVE -> 2;
            case DemoCalendars.BUSY -> 3;
            case DemoCalendars.OOF -> 4;
            default -> 0;
        };
    }

    /** Graph's availabilityView digits. */
    private static char digit(String status) {
        return switch (status) {
            case DemoCalendars.TENTATIVE -> '1';
            case DemoCalendars.BUSY -> '2';
            case DemoCalendars.OOF -> '3';
            case DemoCalendars.WORKING_ELSEWHERE -> '4';
            default -> '0';
        };
    }

    private static ObjectNode workingHours(DemoUser user) {
        ObjectNode hours = DemoReply.JSON.createObjectNode();
        ArrayNode days = hours.putArray("daysOfWeek");
        for (String d : List.of("monday", "tuesday", "wednesday", "thursday", "friday")) days.add(d);
        hours.put("startTime", "08:00:00.0000000").put("endTime", "17:00:00.0000000");
        hours.putObject("timeZone").put("name", GraphTime.windowsName(user.mailboxTimeZone()));
        return hours;
    }

    private static ObjectNode userJson(DemoUser user, String select) {
        List<String> properties = select == null || select.isBlank()
                ? List.of("id", "displayName", "mail", "userPrincipalName") : List.of(select.split(","));
        ObjectNode body = DemoReply.JSON.createObjectNode();
        for (String property : properties) {
            String p = property.trim();
            switch (p) {
                case "id" -> body.put("id", user.id());
                case "displayName" -> body.put("displayName", user.displayName());
                case "mail", "userPrincipalName" -> body.put(p, user.userPrincipalName());
                case "" -> { }
                default -> body.putNull(p); // a property the demo directory does not fill
            }
        }
        return body;
    }

    private static int integer(String value, int absent, String name) {
        if (value == null) return absent;
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw invalid("Invalid value '" + value + "' for " + name + ".");
        }
    }

    /** An ISO date-time with an offset, or a local one read as UTC (as Graph reads it without a zone). */
    private static Instant queryInstant(String value, String name) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeException withoutOffset) {
            try {
                return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
            } catch (DateTimeException e) {
                throw invalid(name + " '" + value + "' is not a valid date-time.");
            }
        }
    }

    private static ObjectNode dateTime(Instant instant, ZoneId zone, String zoneName) {
        return DemoReply.JSON.createObjectNode()
                .put("dateTime", GRAPH_TIME.format(LocalDateTime.ofInstant(instant, zone)))
                .put("timeZone", zoneName);
    }

    private static List<String> strings(JsonNode node, String name, int max) {
        if (node == null || !node.isArray() || node.isEmpty()) throw invalid(name + " must be a non-empty array.");
        if (node.size() > max) throw invalid(name + " holds " + node.size() + " entries; at most " + max + " are allowed.");
        List<String> values = new ArrayList<>(node.size());
        for (JsonNode n : node) {
            if (!n.isTextual() || n.asText().isBlank()) throw invalid(name + " must hold non-empty strings.");
            values.add(n.asText());
        }
        return values;
    }

    private static Instant instant(JsonNode node, String name) {
        JsonNode dateTime = node == null ? null : DemoRequest.property(node, "dateTime");
        JsonNode timeZone = node == null ? null : DemoRequest.property(node, "timeZone");
        if (dateTime == null || !dateTime.isTextual()) throw invalid(name + ".dateTime is required.");
        try {
            return GraphTime.instant(dateTime.asText(), timeZone == null ? null : timeZone.asText());
        } catch (DateTimeException e) {
            throw invalid(name + " is not a valid dateTime and timeZone: " + e.getMessage());
        }
    }

    private static String preferredTimeZone(String prefer) {
        if (prefer == null) return "UTC";
        Matcher m = PREFER_TIME_ZONE.matcher(prefer);
        if (!m.find()) return "UTC";
        try {
            GraphTime.zone(m.group(1));
            return m.group(1);
        } catch (DateTimeException unknown) {
            return "UTC"; // like Graph: an unusable preference is ignored
        }
    }

    private static DemoReply.DemoFault invalid(String message) {
        return DemoReply.graphError(400, "ErrorInvalidParameter", message).fault();
    }
}
