package io.presencesync.adapter.graph;

import io.presencesync.adapter.graph.TenantCheck.Finding;
import io.presencesync.application.port.CalendarSource;
import io.presencesync.application.port.CallStateSource;
import io.presencesync.application.port.SourceResult;
import io.presencesync.application.port.TeamsPresence;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.User;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The Graph steps of {@link TenantCheck}: one user's free/busy and presence, read through the
 * service's own sources, and what a refusal means (no permission, or one mailbox excluded).
 */
final class SourceCheck {

    /** How many other mailboxes are tried to tell a tenant-wide 403 from one excluded mailbox. */
    static final int OTHER_MAILBOXES = 2;

    private final CheckAdvice advice;
    private final Consumer<Finding> findings;

    SourceCheck(CheckAdvice advice, Consumer<Finding> findings) {
        this.advice = advice;
        this.findings = findings;
    }

    void schedule(CalendarSource calendars, User user, List<User> resolved, Instant now) {
        SourceResult<List<FreeBusyItem>> r = freeBusy(calendars, user, now);
        if (r instanceof SourceResult.Ok<List<FreeBusyItem>> ok) {
            findings.accept(Finding.ok(TenantCheck.SCHEDULE, "free/busy of " + user.address() + " read ("
                    + ok.value().size() + " item(s) in the next hour)"));
            return;
        }
        if (r instanceof SourceResult.UserError<List<FreeBusyItem>> ue) {
            findings.accept(advice.mailboxError(user.address(), ue.code(), ue.message()));
            return;
        }
        String message = ((SourceResult.Unavailable<List<FreeBusyItem>>) r).message();
        int status = CheckAdvice.status(message);
        if (status == 403) {
            refused(calendars, user, resolved, now, message);
        } else if (status == 404) {
            findings.accept(Finding.failed(TenantCheck.SCHEDULE, message, "mailbox " + user.address()
                    + " has no Exchange Online mailbox (not licensed, on-premises or shared): license it or remove it from tenants[].users"));
        } else {
            findings.accept(Finding.failed(TenantCheck.SCHEDULE, message, advice.graphAction(message, "Calendars.ReadBasic.All")));
        }
    }

    /** Tenant-wide (no permission) or only this mailbox (access policy)? Asked through others. */
    private void refused(CalendarSource calendars, User user, List<User> resolved, Instant now, String message) {
        List<String> refusedToo = new ArrayList<>();
        for (User other : resolved.subList(1, Math.min(resolved.size(), 1 + OTHER_MAILBOXES))) {
            if (freeBusy(calendars, other, now) instanceof SourceResult.Ok) {
                findings.accept(Finding.failed(TenantCheck.SCHEDULE, "access to the mailbox " + user.address() + " denied, but free/busy of "
                        + other.address() + " read: " + message, advice.policyAction(List.of(user.address()))));
                return;
            }
            refusedToo.add(other.address());
        }
        List<String> tried = new ArrayList<>();
        tried.add(user.address());
        tried.addAll(refusedToo);
        if (CheckAdvice.mentionsPolicy(message)) {
            findings.accept(Finding.failed(TenantCheck.SCHEDULE, message, advice.policyAction(tried)));
        } else {
            findings.accept(Finding.failed(TenantCheck.SCHEDULE, message + (tried.size() > 1 ? " (also for " + String.join(", ", refusedToo) + ")" : ""),
                    advice.permissionAction("Calendars.ReadBasic.All") + " (if it is granted: an application access policy / RBAC for "
                            + "Applications scope excludes " + String.join(", ", tried) + ")"));
        }
    }

    private static SourceResult<List<FreeBusyItem>> freeBusy(CalendarSource calendars, User user, Instant now) {
        return calendars.freeBusy(List.of(user), now, now.plus(Duration.ofHours(1))).get(user.id());
    }

    void presence(CallStateSource presences, User user) {
        SourceResult<TeamsPresence> r = presences.presences(List.of(user)).get(user.id());
        if (r instanceof SourceResult.Ok<TeamsPresence> ok) {
            findings.accept(Finding.ok(TenantCheck.PRESENCE, "presence of " + user.address() + " read (activity " + ok.value().activity() + ")"));
        } else if (r instanceof SourceResult.UserError<TeamsPresence> ue) {
            findings.accept(Finding.failed(TenantCheck.PRESENCE, ue.code() + ": " + ue.message(), "check the Teams account of " + user.address()));
        } else {
            String message = ((SourceResult.Unavailable<TeamsPresence>) r).message();
            findings.accept(message.startsWith("no presence returned") ? Finding.warning(TenantCheck.PRESENCE, message, null)
                    : Finding.failed(TenantCheck.PRESENCE, message, advice.graphAction(message, "Presence.Read.All")));
        }
    }
}
