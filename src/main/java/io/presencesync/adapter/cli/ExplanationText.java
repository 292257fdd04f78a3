package io.presencesync.adapter.cli;

import io.presencesync.adapter.publisher.ChangeLine;
import io.presencesync.adapter.web.ExplainTime;
import io.presencesync.application.explain.UserExplanation;
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

import java.io.PrintWriter;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** A user's explanation as text for a terminal: only what the inputs hold, never a subject, location or body. */
final class ExplanationText {

    private ExplanationText() {}

    static void print(PrintWriter out, UserExplanation x) {
        ZoneId zone = x.mailboxZone();
        out.printf("%s (tenant %s, user id %s)%n", x.user().address(), x.tenant(), x.user().id());
        out.printf("  mailbox time zone: %s%n", zone == null ? "unknown (times in UTC)" : zone.getId());
        out.printf("  event presence now: %s%n", presence(x.current(), zone));
        out.printf("  rules: precedence %s; tentative %s, working elsewhere %s, automatic replies %s%n", Rule.PRECEDENCE,
                lower(x.settings().tentative()), lower(x.settings().workingElsewhere()), x.settings().autoReplies() ? "on" : "off");
        out.printf("%nTimeline from %s to %s:%n", ExplainTime.both(x.readFrom(), zone), ExplainTime.both(x.horizonEnd(), zone));
        List<InputVerdict> inputs = x.rules().inputs();
        for (SegmentVerdict s : x.rules().segments()) {
            Interval i = s.segment();
            out.printf("  %-4s %-22s from %s%n", i.state(), ChangeLine.describe(i.reason()), ExplainTime.both(i.start(), zone));
            out.printf("  %-4s %-22s until %s%n", "", "", i.end() == null ? "a poll says otherwise" : ExplainTime.both(i.end(), zone));
            out.printf("  %-27s rule %s: %s%s%n", "", s.rule().name(), s.rule().text(), s.merged() ? " (back-to-back or overlapping items merged)" : "");
            out.printf("  %-27s decided by %s%s%n", "", refs(s.decidedBy(), inputs),
                    s.overruled().isEmpty() ? "" : "; overruled by precedence: " + refs(s.overruled(), inputs));
        }
        if (x.rules().segments().isEmpty()) out.println("  no event over the horizon: the manual presence applies");
        out.printf("%nInputs (free/busy status and times, Teams activity, automatic replies; never subjects):%n");
        for (int n = 0; n < inputs.size(); n++) {
            InputVerdict v = inputs.get(n);
            out.printf("  #%d %s%n", n + 1, input(v.input(), zone));
            out.printf("     %s: %s%n", v.rule().name(), v.rule().text());
        }
        if (inputs.isEmpty()) out.println("  none");
        out.printf("%nNext transitions (presence-sync publishes each at its instant):%n");
        for (UserExplanation.Transition t : x.transitions()) {
            out.printf("  %s -> %s%n", ExplainTime.both(t.at(), zone), presence(t.becomes(), zone));
        }
        if (x.transitions().isEmpty()) out.println("  none within the horizon");
        UserExplanation.Freshness f = x.freshness();
        out.printf("%nFreshness:%n  calendar read %s; the service reads it again every %s%n", ExplainTime.both(f.calendarReadAt(), zone),
                interval(f.calendarReadAt(), f.nextCalendarPoll()));
        out.printf("  call state read %s; the service reads it again every %s (a call ends when a poll no longer sees it)%n",
                ExplainTime.both(f.callStateSeenAt(), zone), interval(f.callStateSeenAt(), f.nextCallStatePoll()));
        out.printf("%nProblems:%n");
        if (x.freshness().calendarError() != null) out.printf("  calendar: %s%n", x.freshness().calendarError());
        for (UserProblem p : x.problems()) {
            if (p.step() != io.presencesync.application.status.SyncStep.CALENDAR_POLL || x.freshness().calendarError() == null) {
                out.printf("  %s: %s: %s%n", p.step().label(), p.code(), p.message());
            }
        }
        if (x.freshness().calendarError() == null && x.problems().isEmpty()) out.println("  none");
        out.flush();
    }

    private static String input(EventInput in, ZoneId zone) {
        if (in instanceof FreeBusyItem item) {
            return "appointment shown as " + item.status().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                    + (item.allDayIn(zone) ? ", all day in " + zone.getId() : "")
                    + ": " + ExplainTime.both(item.start(), zone) + " to " + ExplainTime.both(item.end(), zone);
        }
        if (in instanceof CallState call) return "Teams activity " + call.activity() + ", seen " + ExplainTime.both(call.since(), zone);
        AutoReplies replies = (AutoReplies) in;
        return "automatic replies on, seen " + ExplainTime.both(replies.seenAt(), zone);
    }

    private static String presence(EventPresence p, ZoneId zone) {
        if (p.isNone()) return "NONE (no event: the manual presence applies)" + (p.until() == null ? "" : " until " + ExplainTime.both(p.until(), zone));
        return p.state() + " (" + ChangeLine.describe(p.reason()) + ") since " + ExplainTime.both(p.since(), zone)
                + (p.until() == null ? ", until a poll says otherwise" : " until " + ExplainTime.both(p.until(), zone));
    }

    private static String refs(List<InputVerdict> verdicts, List<InputVerdict> inputs) {
        return verdicts.stream().map(v -> "#" + (inputs.indexOf(v) + 1)).collect(Collectors.joining(", "));
    }

    private static String interval(java.time.Instant last, java.time.Instant next) {
        return last == null || next == null ? "poll interval" : java.time.Duration.between(last, next).toSeconds() + " s";
    }

    private static String lower(Enum<?> e) { return e.name().toLowerCase(Locale.ROOT); }
}
