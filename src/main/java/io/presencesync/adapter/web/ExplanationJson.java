package io.presencesync.adapter.web;

import io.presencesync.adapter.publisher.ChangeLine;
import io.presencesync.adapter.publisher.EmbeddedPresenceStore;
import io.presencesync.application.delivery.UserDelivery;
import io.presencesync.application.explain.UserExplanation;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.application.status.UserProblem;
import io.presencesync.domain.AutoReplies;
import io.presencesync.domain.CallState;
import io.presencesync.domain.EventInput;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.Interval;
import io.presencesync.rules.Explanation.InputVerdict;
import io.presencesync.rules.Explanation.SegmentVerdict;
import io.presencesync.rules.Rule;
import io.presencesync.rules.RuleSettings;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON shape of a user's explanation ({@code GET /api/presences/{tenant}/{user}/explain},
 * documented in docs/explain.md). Every instant goes out in UTC and, when the mailbox zone is known,
 * as a local time with its offset. Only what the inputs hold is written: no subject, location or body.
 */
final class ExplanationJson {

    private ExplanationJson() {}

    /** @param stored what the embedded store shows for the user, or null when it does not know them */
    static Map<String, Object> of(UserExplanation x, EmbeddedPresenceStore.Entry stored) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("tenant", x.tenant());
        json.put("userId", x.user().id());
        json.put("upn", x.user().address());
        json.put("now", x.now().toString());
        json.put("mailboxTimeZone", x.mailboxZone() == null ? null : x.mailboxZone().getId());
        json.put("effective", stored == null ? null : effective(stored));
        json.put("eventPresence", presence(x.current(), x.mailboxZone()));
        json.put("calendarKnown", x.calendarKnown());
        json.put("rules", settings(x.settings()));
        List<InputVerdict> inputs = x.rules().inputs();
        json.put("inputs", inputs.stream().map(v -> input(v, x.mailboxZone())).toList());
        List<Map<String, Object>> segments = new ArrayList<>();
        for (SegmentVerdict s : x.rules().segments()) segments.add(segment(s, inputs, x.mailboxZone()));
        json.put("timeline", segments);
        json.put("readFrom", x.readFrom().toString());
        json.put("horizonEnd", x.horizonEnd().toString());
        json.put("next", x.transitions().stream().map(t -> {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("at", t.at().toString());
            n.put("atLocal", local(t.at(), x.mailboxZone()));
            n.put("becomes", presence(t.becomes(), x.mailboxZone()));
            n.put("publishedAt", t.at().toString());
            return n;
        }).toList());
        json.put("freshness", freshness(x.freshness()));
        json.put("problems", problems(x));
        Map<String, Object> published = x.published() == null ? null : presence(x.published(), x.mailboxZone());
        if (published != null) {
            published.put("version", x.version());
            published.put("failing", x.publishFailing());
        }
        json.put("published", published);
        json.put("publishers", x.deliveries().stream().map(ExplanationJson::delivery).toList());
        return json;
    }

    private static Map<String, Object> effective(EmbeddedPresenceStore.Entry stored) {
        var effective = stored.effective();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("state", effective.state().name());
        json.put("label", effective.state().label());
        json.put("source", effective.event() != null ? "event" : stored.manual() != null ? "manual" : "none");
        json.put("profileSuspended", stored.manual() != null && stored.manual().profile() != null && effective.event() != null);
        return json;
    }

    private static Map<String, Object> settings(RuleSettings s) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("precedence", Rule.PRECEDENCE);
        json.put("tentative", s.tentative().name().toLowerCase(Locale.ROOT));
        json.put("workingElsewhere", s.workingElsewhere().name().toLowerCase(Locale.ROOT));
        json.put("autoReplies", s.autoReplies());
        json.put("callActivities", s.callActivities().stream().sorted().toList());
        return json;
    }

    private static Map<String, Object> input(InputVerdict v, ZoneId zone) {
        Map<String, Object> json = new LinkedHashMap<>();
        EventInput in = v.input();
        if (in instanceof FreeBusyItem item) {
            json.put("kind", "freeBusy");
            json.put("status", item.status().name());
            json.put("start", item.start().toString());
            json.put("end", item.end().toString());
            json.put("startLocal", local(item.start(), zone));
            json.put("endLocal", local(item.end(), zone));
            json.put("allDay", item.allDayIn(zone));
            json.put("allDayZone", item.allDayIn(zone) ? zone.getId() : null);
        } else if (in instanceof CallState call) {
            json.put("kind", "teamsActivity");
            json.put("activity", call.activity());
            json.put("since", call.since().toString());
        } else if (in instanceof AutoReplies replies) {
            json.put("kind", "automaticReplies");
            json.put("since", replies.since().toString());
            json.put("seenAt", replies.seenAt().toString());
        }
        json.put("rule", v.rule().name());
        json.put("ruleText", v.rule().text());
        json.put("forms", v.interval() == null ? null : interval(v.interval(), zone));
        return json;
    }

    private static Map<String, Object> segment(SegmentVerdict s, List<InputVerdict> inputs, ZoneId zone) {
        Map<String, Object> json = interval(s.segment(), zone);
        json.put("rule", s.rule().name());
        json.put("ruleText", s.rule().text());
        json.put("merged", s.merged());
        json.put("decidedBy", s.decidedBy().stream().map(inputs::indexOf).toList());
        json.put("overruled", s.overruled().stream().map(inputs::indexOf).toList());
        return json;
    }

    private static Map<String, Object> interval(Interval i, ZoneId zone) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("state", i.state().name());
        json.put("reason", i.reason().name());
        json.put("description", ChangeLine.describe(i.reason()));
        json.put("start", i.start().toString());
        json.put("end", i.end() == null ? null : i.end().toString());
        json.put("startLocal", local(i.start(), zone));
        json.put("endLocal", local(i.end(), zone));
        return json;
    }

    private static Map<String, Object> presence(EventPresence p, ZoneId zone) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("state", p.state().name());
        json.put("reason", p.reason() == null ? null : p.reason().name());
        json.put("description", p.reason() == null ? "no event: the manual presence applies" : ChangeLine.describe(p.reason()));
        json.put("since", p.since().toString());
        json.put("until", p.until() == null ? null : p.until().toString());
        json.put("sinceLocal", local(p.since(), zone));
        json.put("untilLocal", local(p.until(), zone));
        return json;
    }

    private static Map<String, Object> freshness(UserExplanation.Freshness f) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("calendarReadAt", text(f.calendarReadAt()));
        json.put("nextCalendarPoll", text(f.nextCalendarPoll()));
        json.put("callStateSeenAt", text(f.callStateSeenAt()));
        json.put("nextCallStatePoll", text(f.nextCallStatePoll()));
        json.put("callStateFresh", f.callStateFresh());
        json.put("callStateExpires", text(f.callStateExpires()));
        json.put("lastTeamsActivity", f.lastCall() == null ? null : f.lastCall().activity());
        json.put("automaticRepliesOn", f.lastAutoReplies() != null);
        return json;
    }

    private static List<Map<String, Object>> problems(UserExplanation x) {
        List<Map<String, Object>> list = new ArrayList<>();
        if (x.freshness().calendarError() != null) list.add(problem("calendar poll", x.freshness().calendarError()));
        for (UserProblem p : x.problems()) {
            if (x.freshness().calendarError() != null && x.freshness().calendarError().startsWith(p.code() + ":")) continue;
            list.add(problem(p.step().label(), p.code() + ": " + p.message()));
        }
        return list;
    }

    private static Map<String, Object> problem(String step, String error) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("step", step);
        json.put("error", error);
        return json;
    }

    private static Map<String, Object> delivery(UserDelivery d) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("publisher", d.publisher());
        json.put("acknowledged", update(d.answered()));
        json.put("answer", d.answer() == null ? null : d.answer().name());
        json.put("answeredAt", text(d.answeredAt()));
        json.put("pending", update(d.pending()));
        json.put("failures", d.failures());
        return json;
    }

    private static Map<String, Object> update(PresenceUpdate u) {
        if (u == null) return null;
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("state", u.presence().state().name());
        json.put("reason", u.presence().reason() == null ? null : u.presence().reason().name());
        json.put("since", u.presence().since().toString());
        json.put("until", text(u.presence().until()));
        json.put("version", u.version());
        return json;
    }

    private static String local(Instant at, ZoneId zone) { return ExplainTime.local(at, zone); }

    private static String text(Instant at) { return at == null ? null : at.toString(); }
}
