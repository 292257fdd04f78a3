package io.presencesync.adapter.web;

import io.presencesync.adapter.publisher.ChangeLine;
import io.presencesync.adapter.publisher.EmbeddedPresenceStore;
import io.presencesync.application.delivery.UserDelivery;
import io.presencesync.application.explain.UserExplanation;
import io.presencesync.domain.AutoReplies;
import io.presencesync.domain.CallState;
import io.presencesync.domain.EffectivePresence;
import io.presencesync.domain.EventInput;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.Interval;
import io.presencesync.rules.Explanation.InputVerdict;
import io.presencesync.rules.Explanation.SegmentVerdict;
import io.presencesync.rules.Rule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One user's explanation as a page: the timeline over the read horizon as a bar in the normative
 * colours, each segment with its rule and inputs, what comes next, freshness, problems and what each
 * store acknowledged. Server-rendered without script; every text is escaped. Shows only what the
 * inputs hold: no subject, location or body ever reaches it.
 */
final class UserPage {

    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);

    private UserPage() {}

    /** @param stored what the embedded store shows for the user, or null */
    static String render(UserExplanation x, EmbeddedPresenceStore.Entry stored, Caller caller) {
        StringBuilder html = new StringBuilder(32 * 1024)
                .append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(Html.escape(x.user().address())).append(" — presence-sync</title>")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><style>").append(StatusPage.CSS)
                .append("</style></head><body><header><h1><a href=\"/\" style=\"color:#fff;text-decoration:none\">presence-sync</a> · ")
                .append(Html.escape(x.user().address())).append("</h1><div class=\"meta\"><span>").append(Html.escape(both(x.now(), x.mailboxZone())))
                .append("</span><span class=\"muted\">signed in as ").append(Html.escape(caller.name())).append("</span></div></header><main>");
        summary(html, x, stored);
        timeline(html, x);
        inputs(html, x);
        next(html, x);
        freshness(html, x);
        publishers(html, x);
        return html.append("</main></body></html>").toString();
    }

    private static void summary(StringBuilder html, UserExplanation x, EmbeddedPresenceStore.Entry stored) {
        html.append("<section id=\"now\"><h2>Why ").append(Html.escape(x.user().address())).append(" shows what they show</h2><dl class=\"facts\">");
        if (stored != null) {
            EffectivePresence effective = stored.effective();
            html.append("<dt>Shown now</dt><dd><span class=\"presence ").append(PresenceIcon.cssClass(effective.state())).append("\">")
                    .append(PresenceIcon.svg(effective.state(), 18)).append(Html.escape(effective.state().label())).append("</span> from ")
                    .append(effective.event() != null ? "the event presence" : stored.manual() != null ? "the manual presence" : "no information");
            if (effective.event() != null && stored.manual() != null && stored.manual().profile() != null) html.append(" (profile suspended)");
            html.append("</dd>");
        }
        EventPresence current = x.current();
        html.append("<dt>Event presence</dt><dd><strong>").append(current.state()).append("</strong> — ").append(Html.escape(describe(current)));
        if (current.until() != null) html.append(", until ").append(Html.escape(both(current.until(), x.mailboxZone())));
        html.append("</dd><dt>Tenant</dt><dd>").append(Html.escape(x.tenant())).append("</dd><dt>Mailbox time zone</dt><dd>")
                .append(x.mailboxZone() == null ? "unknown (times in UTC)" : Html.escape(x.mailboxZone().getId())).append("</dd>")
                .append("<dt>Rules</dt><dd>precedence ").append(Html.escape(Rule.PRECEDENCE)).append("; tentative: ")
                .append(x.settings().tentative().name().toLowerCase(Locale.ROOT)).append(", working elsewhere: ")
                .append(x.settings().workingElsewhere().name().toLowerCase(Locale.ROOT)).append(", automatic replies: ")
                .append(x.settings().autoReplies() ? "on" : "off").append("</dd>");
        if (!x.calendarKnown()) html.append("<dt>Note</dt><dd class=\"problem\">no calendar answer yet: nothing is published for this user until the first one</dd>");
        html.append("</dl></section>");
    }

    private static void timeline(StringBuilder html, UserExplanation x) {
        Instant from = x.readFrom();
        Instant to = x.horizonEnd();
        double span = Math.max(1, Duration.between(from, to).toSeconds());
        html.append("<section id=\"timeline\"><h2>Timeline <span class=\"count\">(").append(Html.escape(both(from, x.mailboxZone())))
                .append(" to ").append(Html.escape(both(to, x.mailboxZone()))).append(")</span></h2><div class=\"bar\" role=\"img\" aria-label=\"")
                .append("event presence over the read horizon\">");
        for (SegmentVerdict s : x.rules().segments()) {
            Instant start = s.segment().start().isBefore(from) ? from : s.segment().start();
            Instant end = s.segment().end() == null || s.segment().end().isAfter(to) ? to : s.segment().end();
            if (!end.isAfter(start)) continue;
            html.append(String.format(Locale.ROOT, "<div class=\"seg %s\" style=\"left:%.3f%%;width:%.3f%%\" title=\"%s\">%s</div>",
                    s.segment().state().name().toLowerCase(Locale.ROOT), 100 * Duration.between(from, start).toSeconds() / span,
                    100 * Duration.between(start, end).toSeconds() / span,
                    Html.escape(s.segment().state() + " " + ChangeLine.describe(s.segment().reason()) + " " + local(start, x.mailboxZone())
                            + "–" + local(end, x.mailboxZone())), Html.escape(ChangeLine.describe(s.segment().reason()))));
        }
        ZoneId zone = x.mailboxZone() == null ? ZoneOffset.UTC : x.mailboxZone();
        long hours = Math.max(1, Duration.between(from, to).toHours());
        long step = hours <= 12 ? 1 : hours <= 36 ? 3 : 12;
        for (Instant t = from.atZone(zone).truncatedTo(ChronoUnit.HOURS).plusHours(1).toInstant(); t.isBefore(to); t = t.plus(Duration.ofHours(step))) {
            html.append(String.format(Locale.ROOT, "<span class=\"tick\" style=\"left:%.3f%%\">%s</span>",
                    100 * Duration.between(from, t).toSeconds() / span, HOUR.format(t.atZone(zone))));
        }
        html.append(String.format(Locale.ROOT, "<div class=\"now\" style=\"left:%.3f%%\"><span>now</span></div>",
                100 * Math.max(0, Duration.between(from, x.now()).toSeconds()) / span)).append("</div>");
        html.append("<table><tr><th>State</th><th>Because</th><th>From</th><th>Until</th><th>Rule</th><th>Decided by</th><th>Overruled</th></tr>");
        List<InputVerdict> inputs = x.rules().inputs();
        for (SegmentVerdict s : x.rules().segments()) {
            Interval i = s.segment();
            html.append("<tr><td><strong>").append(i.state()).append("</strong></td><td>").append(Html.escape(ChangeLine.describe(i.reason())))
                    .append("</td><td class=\"when\">").append(Html.escape(both(i.start(), x.mailboxZone()))).append("</td><td class=\"when\">")
                    .append(i.end() == null ? "until a poll says otherwise" : Html.escape(both(i.end(), x.mailboxZone()))).append("</td><td class=\"small\">")
                    .append(Html.escape(s.rule().text())).append(s.merged() ? "; back-to-back or overlapping items merged" : "")
                    .append("</td><td class=\"small\">").append(refs(s.decidedBy(), inputs)).append("</td><td class=\"small\">")
                    .append(s.overruled().isEmpty() ? "" : refs(s.overruled(), inputs) + " (lower precedence)").append("</td></tr>");
        }
        if (x.rules().segments().isEmpty()) html.append("<tr><td colspan=\"7\" class=\"muted\">No event over the horizon: the manual presence applies.</td></tr>");
        html.append("</table></section>");
    }

    private static void inputs(StringBuilder html, UserExplanation x) {
        html.append("<section id=\"inputs\"><h2>Inputs <span class=\"count\">(free/busy, Teams activity, automatic replies — never subjects)</span></h2>")
                .append("<table><tr><th>#</th><th>Input</th><th>From</th><th>Until</th><th>Rule</th></tr>");
        List<InputVerdict> inputs = x.rules().inputs();
        for (int n = 0; n < inputs.size(); n++) {
            InputVerdict v = inputs.get(n);
            html.append("<tr><td>").append(n + 1).append("</td><td>").append(Html.escape(label(v.input(), x.mailboxZone()))).append("</td>");
            EventInput in = v.input();
            if (in instanceof FreeBusyItem item) {
                html.append("<td class=\"when\">").append(Html.escape(both(item.start(), x.mailboxZone()))).append("</td><td class=\"when\">")
                        .append(Html.escape(both(item.end(), x.mailboxZone()))).append("</td>");
            } else if (in instanceof CallState call) {
                html.append("<td class=\"when\">").append(Html.escape(both(call.since(), x.mailboxZone()))).append("</td><td></td>");
            } else if (in instanceof AutoReplies replies) {
                html.append("<td class=\"when\">").append(Html.escape(both(replies.since(), x.mailboxZone()))).append("</td><td class=\"small muted\">seen ")
                        .append(Html.escape(both(replies.seenAt(), x.mailboxZone()))).append("</td>");
            }
            html.append("<td class=\"small\"><code>").append(v.rule().name()).append("</code> ").append(Html.escape(v.rule().text())).append("</td></tr>");
        }
        if (inputs.isEmpty()) html.append("<tr><td colspan=\"5\" class=\"muted\">No appointments, call or automatic replies over the horizon.</td></tr>");
        html.append("</table></section>");
    }

    private static void next(StringBuilder html, UserExplanation x) {
        html.append("<section id=\"next\"><h2>Next transitions <span class=\"count\">(published at the instant, by the unit's transition run)</span></h2><table>")
                .append("<tr><th>At</th><th>Becomes</th></tr>");
        for (UserExplanation.Transition t : x.transitions()) {
            html.append("<tr><td class=\"when\">").append(Html.escape(both(t.at(), x.mailboxZone()))).append("</td><td><strong>")
                    .append(t.becomes().state()).append("</strong> — ").append(Html.escape(describe(t.becomes()))).append("</td></tr>");
        }
        if (x.transitions().isEmpty()) html.append("<tr><td colspan=\"2\" class=\"muted\">None known within the horizon.</td></tr>");
        html.append("</table></section>");
    }

    private static void freshness(StringBuilder html, UserExplanation x) {
        UserExplanation.Freshness f = x.freshness();
        html.append("<section id=\"freshness\"><h2>Freshness and problems</h2><dl class=\"facts\">")
                .append("<dt>Calendar read</dt><dd>").append(Html.escape(orNever(f.calendarReadAt(), x))).append("; next poll about ")
                .append(Html.escape(orNever(f.nextCalendarPoll(), x))).append("</dd><dt>Call state read</dt><dd>")
                .append(Html.escape(orNever(f.callStateSeenAt(), x))).append(f.lastCall() == null ? "" : " (" + Html.escape(f.lastCall().activity()) + ")")
                .append(f.callStateSeenAt() != null && !f.callStateFresh() ? " — <span class=\"problem\">stale: taken as no call</span>" : "")
                .append("; next poll about ").append(Html.escape(orNever(f.nextCallStatePoll(), x))).append("</dd>");
        if (f.calendarError() != null) html.append("<dt>Calendar error</dt><dd class=\"problem\">").append(Html.escape(f.calendarError())).append("</dd>");
        for (var p : x.problems()) {
            html.append("<dt>").append(Html.escape(p.step().label())).append(" error</dt><dd class=\"problem\"><code>").append(Html.escape(p.code()))
                    .append("</code> ").append(Html.escape(p.message())).append("</dd>");
        }
        html.append("</dl></section>");
    }

    private static void publishers(StringBuilder html, UserExplanation x) {
        html.append("<section id=\"publishers\"><h2>Published and acknowledged</h2><dl class=\"facts\"><dt>Handed to the publishers</dt><dd>");
        if (x.published() == null) html.append("nothing yet");
        else html.append("<strong>").append(x.published().state()).append("</strong> — ").append(Html.escape(describe(x.published())))
                .append(", version ").append(x.version()).append(x.publishFailing() ? " <span class=\"problem\">(refused; retried every second)</span>" : "");
        html.append("</dd>");
        for (UserDelivery d : x.deliveries()) {
            html.append("<dt>").append(Html.escape(d.publisher())).append("</dt><dd>");
            if (d.answered() == null) html.append("no answer yet");
            else html.append(d.answer().name().toLowerCase(Locale.ROOT)).append(": <strong>").append(d.answered().presence().state())
                    .append("</strong> version ").append(d.answered().version()).append(" at ").append(Html.escape(both(d.answeredAt(), x.mailboxZone())));
            if (d.pending() != null) html.append("; waiting: ").append(d.pending().presence().state()).append(" version ").append(d.pending().version())
                    .append(d.failures() > 0 ? " after " + d.failures() + " failed write(s)" : "");
            html.append("</dd>");
        }
        if (x.deliveries().isEmpty()) html.append("<dt>Stores</dt><dd class=\"muted\">no publisher on this node remembers the user</dd>");
        html.append("</dl></section>");
    }

    private static String refs(List<InputVerdict> verdicts, List<InputVerdict> inputs) {
        return verdicts.stream().map(v -> "#" + (inputs.indexOf(v) + 1)).collect(Collectors.joining(", "));
    }

    private static String label(EventInput in, ZoneId zone) {
        if (in instanceof FreeBusyItem item) {
            return "appointment shown as " + item.status().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                    + (item.allDayIn(zone) ? " (all day in " + zone.getId() + ")" : "");
        }
        if (in instanceof CallState call) return "Teams activity " + call.activity();
        return "automatic replies on";
    }

    private static String describe(EventPresence p) {
        return p.reason() == null ? "no event: the manual presence applies" : ChangeLine.describe(p.reason());
    }

    private static String orNever(Instant at, UserExplanation x) { return both(at, x.mailboxZone()); }

    private static String both(Instant at, ZoneId zone) { return ExplainTime.both(at, zone); }

    private static String local(Instant at, ZoneId zone) { return HOUR.format(at.atZone(zone == null ? ZoneOffset.UTC : zone)); }
}
