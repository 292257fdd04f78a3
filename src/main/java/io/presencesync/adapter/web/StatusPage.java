package io.presencesync.adapter.web;

import io.presencesync.adapter.http.QueryString;
import io.presencesync.adapter.publisher.ChangeLine;
import io.presencesync.adapter.publisher.EmbeddedPresenceStore;
import io.presencesync.application.status.FederationState;
import io.presencesync.application.status.PublisherState;
import io.presencesync.application.status.ServiceHealth;
import io.presencesync.application.status.UserProblem;
import io.presencesync.domain.EffectivePresence;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.PresenceState;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The admins' status page: tenants, publishers, the XMPP federation link, users with errors, and one page of users with
 * their effective presence in the normative colours. Server-rendered; every text is escaped.
 */
final class StatusPage {

    static final int PAGE_SIZE = 100;
    static final int USERS_PER_REASON = 10;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CLOCK_TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY_TIME = DateTimeFormatter.ofPattern("d MMM HH:mm", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    static final String CSS = resource("status.css");
    private static final String SCRIPT = "<script>(function(){var box=document.getElementById('auto');"
            + "box.checked=localStorage.getItem('presence-sync-auto')!=='off';"
            + "box.onchange=function(){localStorage.setItem('presence-sync-auto',box.checked?'on':'off');};"
            + "setInterval(function(){var q=document.getElementById('q');"
            + "if(box.checked&&document.activeElement!==q)location.reload();},15000);})();</script>";

    /** What the admin asked for: a tenant (or all), a search text, a page number from 0. */
    record Query(String tenant, String search, int page) {}

    private final ServiceHealth health;
    private final PresenceDirectory directory;
    private final Clock clock;

    StatusPage(ServiceHealth health, PresenceDirectory directory, Clock clock) {
        this.health = health;
        this.directory = directory;
        this.clock = clock;
    }

    /** @param caller who asks: named in the header, with a sign-out button when a browser session asks */
    String render(Query query, Caller caller) {
        Instant now = clock.instant();
        List<ServiceHealth.TenantHealth> tenants = health.tenants();
        boolean ready = HealthRoutes.notReadyReason(health) == null;
        StringBuilder html = new StringBuilder(64 * 1024)
                .append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>presence-sync status</title>")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><style>").append(CSS).append("</style></head><body>")
                .append("<header><h1>presence-sync</h1><span class=\"badge ").append(ready ? "ready\">Ready" : "not-ready\">Not ready")
                .append("</span><div class=\"meta\"><span>").append(TIME.format(now)).append("</span>")
                .append("<label><input type=\"checkbox\" id=\"auto\" checked> auto-refresh</label>")
                .append("<span class=\"muted\">signed in as ").append(Html.escape(caller.name())).append("</span>")
                .append(caller.session() ? "<form method=\"post\" action=\"/logout\"><button type=\"submit\">Sign out</button></form>" : "")
                .append("</div></header><main>")
                .append("<div class=\"grid\">");
        tenants(html, tenants, now);
        publishers(html, health.publishers(), now);
        federation(html, health.federation(), now);
        html.append("</div>");
        usersWithErrors(html, tenants);
        users(html, query, tenants);
        return html.append("</main>").append(SCRIPT).append("</body></html>").toString();
    }

    private void tenants(StringBuilder html, List<ServiceHealth.TenantHealth> tenants, Instant now) {
        html.append("<section id=\"tenants\"><h2>Tenants</h2><table><tr><th>Tenant</th><th>Health</th><th>Last successful sync</th>")
                .append("<th>Users</th></tr>");
        for (ServiceHealth.TenantHealth t : tenants) {
            String state = t.state().name().toLowerCase(Locale.ROOT);
            html.append("<tr><td><strong>").append(Html.escape(t.name())).append("</strong>");
            if (t.problem() != null) html.append("<div class=\"problem small\">").append(Html.escape(t.problem())).append("</div>");
            html.append("</td><td><span class=\"badge ").append(state).append("\">").append(state).append("</span></td><td>")
                    .append(when(t.lastSuccessfulSync(), now)).append("</td><td>").append(directory.size(t.name())).append("</td></tr>");
        }
        html.append("</table></section>");
    }

    /** The XMPP link, when configured: its state (standby on the nodes of a cluster that do not hold it), subscribers, stanzas sent. */
    private void federation(StringBuilder html, List<FederationState> links, Instant now) {
        if (links.isEmpty()) return;
        html.append("<section id=\"federation\"><h2>Federation</h2><table><tr><th>XMPP component</th><th>State</th><th>Since</th>")
                .append("<th>Subscriptions</th><th>Stanzas sent</th></tr>");
        for (FederationState f : links) {
            html.append("<tr><td><strong>").append(Html.escape(f.name())).append("</strong>");
            if (f.problem() != null) html.append("<div class=\"problem small\">").append(Html.escape(f.problem())).append("</div>");
            html.append("</td><td><span class=\"badge ").append(f.healthy() ? "up" : "down").append("\">").append(Html.escape(f.state()))
                    .append("</span></td><td>").append(when(f.since(), now)).append("</td><td>").append(f.subscribers()).append("</td><td>")
                    .append(f.stanzasOut()).append("</td></tr>");
        }
        html.append("</table></section>");
    }

    private void publishers(StringBuilder html, List<PublisherState> publishers, Instant now) {
        html.append("<section id=\"publishers\"><h2>Publishers</h2><table><tr><th>Publisher</th><th>Health</th><th>Last delivery</th>")
                .append("<th>Delivered</th></tr>");
        for (PublisherState p : publishers) {
            html.append("<tr><td><strong>").append(Html.escape(p.name())).append("</strong>");
            if (p.problem() != null) html.append("<div class=\"problem small\">").append(Html.escape(p.problem())).append("</div>");
            html.append("</td><td><span class=\"badge ").append(p.healthy() ? "up\">up" : "down\">down").append("</span></td><td>")
                    .append(when(p.lastSuccess(), now)).append("</td><td>").append(p.delivered()).append("</td></tr>");
        }
        html.append("</table></section>");
    }

    private void usersWithErrors(StringBuilder html, List<ServiceHealth.TenantHealth> tenants) {
        int total = tenants.stream().mapToInt(t -> t.usersWithErrors().size()).sum();
        html.append("<section id=\"errors\"><h2>Users with errors <span class=\"count\">(").append(total).append(")</span></h2>");
        if (total == 0) {
            html.append("<p class=\"muted\">None: every configured user, group and mailbox was readable.</p></section>");
            return;
        }
        html.append("<table><tr><th>Tenant</th><th>Step</th><th>Reason</th><th>Users</th><th>Example</th></tr>");
        for (ServiceHealth.TenantHealth t : tenants) {
            Map<String, List<UserProblem>> byReason = new TreeMap<>(t.usersWithErrors().stream()
                    .collect(Collectors.groupingBy(p -> p.step().label() + '\u0000' + p.code())));
            for (List<UserProblem> problems : byReason.values()) {
                UserProblem first = problems.get(0);
                String names = problems.stream().limit(USERS_PER_REASON).map(p -> Html.escape(p.user())).collect(Collectors.joining(", "));
                if (problems.size() > USERS_PER_REASON) names += " <span class=\"muted\">and " + (problems.size() - USERS_PER_REASON) + " more</span>";
                html.append("<tr><td>").append(Html.escape(t.name())).append("</td><td>").append(first.step().label())
                        .append("</td><td><code>").append(Html.escape(first.code())).append("</code></td><td><strong>").append(problems.size())
                        .append("</strong>: ").append(names).append("</td><td class=\"small muted\">").append(Html.escape(first.message()))
                        .append("</td></tr>");
            }
        }
        html.append("</table></section>");
    }

    private void users(StringBuilder html, Query query, List<ServiceHealth.TenantHealth> tenants) {
        Map<PresenceState, Integer> counts = directory.countByEffectiveState(query.tenant());
        html.append("<section id=\"users\"><h2>Users and their presence</h2><div class=\"legend\">");
        for (PresenceState state : PresenceState.values()) {
            html.append("<span class=\"item ").append(PresenceIcon.cssClass(state)).append("\">").append(PresenceIcon.svg(state, 20))
                    .append(Html.escape(state.label())).append(" <span class=\"n\">").append(counts.getOrDefault(state, 0)).append("</span></span>");
        }
        html.append("</div><form class=\"filter\" method=\"get\" action=\"/\">")
                .append("<input type=\"search\" id=\"q\" name=\"q\" placeholder=\"Search users by name or address\" value=\"")
                .append(Html.escape(query.search() == null ? "" : query.search())).append("\"><select name=\"tenant\"><option value=\"\">All tenants</option>");
        for (ServiceHealth.TenantHealth t : tenants) {
            html.append("<option value=\"").append(Html.escape(t.name())).append('"').append(t.name().equals(query.tenant()) ? " selected" : "")
                    .append('>').append(Html.escape(t.name())).append("</option>");
        }
        html.append("</select><button type=\"submit\">Search</button></form>");
        PresenceDirectory.Page page = directory.page(query.tenant(), query.search(), query.page() * PAGE_SIZE, PAGE_SIZE);
        html.append("<table class=\"users\"><tr><th>Presence</th><th>User</th><th>Tenant</th><th>Shown because</th><th>Since</th><th>Until</th></tr>");
        for (PresenceDirectory.Row row : page.rows()) userRow(html, row, clock.instant());
        if (page.rows().isEmpty()) html.append("<tr><td colspan=\"6\" class=\"muted\">No users match.</td></tr>");
        html.append("</table>");
        pager(html, query, page);
        html.append("</section>");
    }

    private static void userRow(StringBuilder html, PresenceDirectory.Row row, Instant now) {
        EmbeddedPresenceStore.Entry entry = row.entry();
        EffectivePresence effective = entry.effective();
        EventPresence event = effective.event();
        html.append("<tr class=\"").append(PresenceIcon.cssClass(effective.state())).append("\"><td><span class=\"presence\">")
                .append(PresenceIcon.svg(effective.state(), 18)).append(Html.escape(effective.state().label())).append("</span></td><td class=\"user\">")
                .append("<a href=\"").append(Html.escape(UserPages.path(row.tenant(), entry.user().id()))).append("\" title=\"why this presence\">")
                .append(Html.escape(entry.user().address())).append("</a></td><td>").append(Html.escape(row.tenant())).append("</td><td>");
        if (event != null) {
            html.append("<span class=\"tag event\">event</span> ").append(Html.escape(ChangeLine.describe(event.reason())));
            if (entry.manual() != null && entry.manual().profile() != null) html.append(" <span class=\"muted small\">(profile suspended)</span>");
            html.append("</td><td>").append(shortTime(event.since(), now)).append("</td><td>").append(shortTime(event.until(), now));
        } else if (entry.manual() != null) {
            html.append("<span class=\"tag\">manual</span>");
            var profile = effective.profile();
            if (profile != null && profile.note() != null) html.append(' ').append(Html.escape(profile.note()));
            if (profile != null && profile.callForwarding() != null) {
                html.append(" <span class=\"muted small\">forwarding to ").append(Html.escape(profile.callForwarding())).append("</span>");
            }
            html.append("</td><td>").append(shortTime(entry.manual().setAt(), now)).append("</td><td>");
        } else {
            html.append("<span class=\"muted\">no information</span></td><td></td><td>");
        }
        html.append("</td></tr>");
    }

    private static void pager(StringBuilder html, Query query, PresenceDirectory.Page page) {
        int from = page.total() == 0 ? 0 : page.offset() + 1;
        int to = page.offset() + page.rows().size();
        html.append("<div class=\"pager\">").append(link(query, query.page() - 1, "&larr; previous", query.page() > 0))
                .append("<span>").append(from).append("&ndash;").append(to).append(" of ").append(page.total()).append(" users</span>")
                .append(link(query, query.page() + 1, "next &rarr;", to < page.total())).append("</div>");
    }

    private static String link(Query query, int page, String label, boolean enabled) {
        if (!enabled) return "<span class=\"off\">" + label + "</span>";
        return "<a href=\"/?" + Html.escape(QueryString.of("tenant", query.tenant(), "q", query.search(), "page", String.valueOf(page)))
                + "\">" + label + "</a>";
    }

    private static String when(Instant at, Instant now) {
        if (at == null) return "<span class=\"muted\">not yet</span>";
        long seconds = Math.max(0, Duration.between(at, now).toSeconds());
        String ago = seconds < 120 ? seconds + " s ago" : seconds < 7200 ? seconds / 60 + " min ago" : seconds / 3600 + " h ago";
        return TIME.format(at) + " <span class=\"muted small\">(" + ago + ")</span>";
    }

    /** Today's times as hh:mm:ss, others with their day (all UTC, as the header says). */
    private static String shortTime(Instant at, Instant now) {
        if (at == null) return "";
        boolean today = at.atZone(ZoneOffset.UTC).toLocalDate().equals(now.atZone(ZoneOffset.UTC).toLocalDate());
        return "<span class=\"time\">" + (today ? CLOCK_TIME : DAY_TIME).format(at) + "</span>";
    }

    private static String resource(String name) {
        try (InputStream in = StatusPage.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
