package io.presencesync.adapter.graph;

import io.presencesync.adapter.graph.TenantCheck.Finding;
import io.presencesync.application.port.CalendarSource;
import io.presencesync.application.port.CallStateSource;
import io.presencesync.application.port.SourceResult;
import io.presencesync.domain.User;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The probe step of {@link TenantCheck}: many users' free/busy and presence read the way the service
 * reads them (getSchedule 20 a request in {@code $batch}es of 20, presence 650 ids a request within
 * Graph's 1,500 requests per 30 s), so a mailbox an access policy refuses or an address Exchange
 * does not know shows before the service runs. Refused users are listed by reason; users not probed
 * before the deadline are counted, not blamed.
 */
final class MailboxProbe {

    /** Users per round: one round's reads end before the next begins, so progress and the deadline are looked at between them. */
    static final int USERS_PER_ROUND = 2_000;
    /** Users named per reason; the rest are counted. */
    static final int NAMED_PER_REASON = 10;

    private final CheckAdvice advice;
    private final Consumer<Finding> findings;
    private final Consumer<String> progress;

    MailboxProbe(CheckAdvice advice, Consumer<Finding> findings, Consumer<String> progress) {
        this.advice = advice;
        this.findings = findings;
        this.progress = progress;
    }

    /** Probes {@code users} (of {@code resolved} in all) until {@code deadline} (System.nanoTime). */
    void probe(CalendarSource calendars, CallStateSource presences, List<User> users, int resolved, Instant now, long deadline) {
        Map<String, List<String>> calendarRefusals = new TreeMap<>();
        Map<String, List<String>> presenceRefusals = new TreeMap<>();
        int probed = 0;
        int unanswered = 0;
        for (int i = 0; i < users.size() && System.nanoTime() < deadline; i += USERS_PER_ROUND) {
            List<User> round = users.subList(i, Math.min(users.size(), i + USERS_PER_ROUND));
            unanswered += collect(round, calendars.freeBusy(round, now, now.plus(Duration.ofHours(1))), calendarRefusals);
            unanswered += collect(round, presences.presences(round), presenceRefusals);
            probed += round.size();
            progress.accept("probed " + probed + " of " + users.size() + " users (getSchedule and presence)");
        }
        String scope = users.size() == resolved ? "all " + resolved + " users" : users.size() + " of " + resolved + " users (a sample: --all-users probes all)";
        StringBuilder detail = new StringBuilder(probed + " of " + scope + " probed");
        if (probed < users.size()) detail.append("; ").append(users.size() - probed).append(" not probed within the time limit (raise --timeout)");
        if (unanswered > 0) detail.append("; ").append(unanswered).append(" read(s) got no answer (throttling or network: run check again)");
        List<String> actions = new ArrayList<>();
        describe(detail, actions, "getSchedule", calendarRefusals, this::calendarAction);
        describe(detail, actions, "presence", presenceRefusals, code -> addresses -> "presence of " + String.join(", ", addresses)
                + " cannot be read (" + code + "): check their Teams accounts");
        if (actions.isEmpty()) {
            findings.accept(probed < users.size() || unanswered > 0 ? Finding.warning(TenantCheck.PROBE, detail.toString(), null)
                    : Finding.ok(TenantCheck.PROBE, detail.toString()));
            return;
        }
        findings.accept(Finding.failed(TenantCheck.PROBE, detail.toString(), actions.get(0)));
        for (String more : actions.subList(1, actions.size())) findings.accept(new Finding(TenantCheck.PROBE, TenantCheck.Status.FAILED, "", more));
    }

    /** Adds each refused user under its reason; returns how many got no answer. */
    private static int collect(List<User> round, Map<String, ? extends SourceResult<?>> results, Map<String, List<String>> refusals) {
        int unanswered = 0;
        for (User u : round) {
            SourceResult<?> r = results.get(u.id());
            if (r instanceof SourceResult.UserError<?> e) refusals.computeIfAbsent(e.code(), c -> new ArrayList<>()).add(u.address());
            else if (!(r instanceof SourceResult.Ok<?>)) unanswered++;
        }
        return unanswered;
    }

    private static void describe(StringBuilder detail, List<String> actions, String read, Map<String, List<String>> refusals,
                                 Function<String, Function<List<String>, String>> action) {
        refusals.forEach((code, addresses) -> {
            List<String> named = addresses.subList(0, Math.min(NAMED_PER_REASON, addresses.size()));
            detail.append('\n').append(read).append(" refused ").append(addresses.size()).append(" user(s) with ").append(code).append(": ")
                    .append(String.join(", ", named)).append(addresses.size() > named.size() ? " and " + (addresses.size() - named.size()) + " more" : "");
            actions.add(action.apply(code).apply(named));
        });
    }

    private Function<List<String>, String> calendarAction(String code) {
        if (code.toLowerCase(Locale.ROOT).contains("accessdenied")) return advice::policyAction;
        if ("5009".equals(code) || code.contains("RecipientNotFound")) {
            return addresses -> "Exchange knows no mailbox " + String.join(", ", addresses)
                    + ": use the primary SMTP address, license the mailbox, or remove the user from tenants[].users or the group";
        }
        return addresses -> "free/busy of " + String.join(", ", addresses) + " cannot be read (" + code + "): check the mailboxes in Exchange Online";
    }
}
