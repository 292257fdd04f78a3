package io.presencesync.adapter.graph;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import io.presencesync.adapter.config.CredentialConfig;
import io.presencesync.adapter.config.TenantConfig;
import io.presencesync.application.port.SourceResult;
import io.presencesync.application.port.TeamsPresence;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.User;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tries a tenant's configuration against Entra ID and Graph the way the service will use it: a
 * token, the user lookup, one getSchedule and one getPresencesByUserId, and says for each step what
 * an administrator has to do when it fails. Never prints the secret or the token.
 */
public final class TenantCheck {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** How many other mailboxes are tried to tell a tenant-wide 403 from one excluded mailbox. */
    static final int OTHER_MAILBOXES = 2;
    /** How many lookups run at once; the rest of the tenant's time budget bounds the whole lookup. */
    static final int LOOKUP_THREADS = 8;
    /** The user lookup stops when this share of the tenant's time budget is used up. */
    private static final double LOOKUP_SHARE = 0.5;

    private static final Pattern AADSTS = Pattern.compile("AADSTS(\\d+)");
    private static final Pattern HTTP = Pattern.compile("HTTP (\\d{3})(?: ([A-Za-z_]+))?");

    public enum Status { OK, FAILED, WARNING, SKIPPED }

    /** One step of the check: what was tried, how it went, and the admin's action when it failed. */
    public record Finding(String step, Status status, String detail, String action) {
        static Finding ok(String step, String detail) { return new Finding(step, Status.OK, detail, null); }
        static Finding failed(String step, String detail, String action) { return new Finding(step, Status.FAILED, detail, action); }
        static Finding warning(String step, String detail, String action) { return new Finding(step, Status.WARNING, detail, action); }
        static Finding skipped(String step, String detail) { return new Finding(step, Status.SKIPPED, detail, null); }
    }

    /** The outcome for one tenant: OK when no step failed. */
    public record Verdict(String tenant, String tenantId, String clientId, List<Finding> findings) {
        public Verdict {
            findings = List.copyOf(findings);
        }

        public boolean ok() { return findings.stream().noneMatch(f -> f.status() == Status.FAILED); }

        /** The admin actions, in step order, without repeats. */
        public List<String> actions() {
            Set<String> actions = new LinkedHashSet<>();
            for (Finding f : findings) if (f.action() != null) actions.add(f.action());
            return List.copyOf(actions);
        }
    }

    static final String TOKEN = "token";
    static final String USERS = "user lookup";
    static final String GROUPS = "group members";
    static final String SCHEDULE = "getSchedule";
    static final String PRESENCE = "getPresencesByUserId";

    private final TenantConfig tenant;
    private final Map<String, String> env;
    private final Clock clock;
    private final List<Finding> findings = new ArrayList<>();
    /** Set once the verdict was given without the worker (time limit): its later findings are dropped. */
    private boolean abandoned;
    private final List<String> redact = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicReference<String> currentStep = new AtomicReference<>(TOKEN);

    private TenantCheck(TenantConfig tenant, Map<String, String> env, Clock clock) {
        this.tenant = tenant;
        this.env = env;
        this.clock = clock;
    }

    /** Checks every tenant at the same time, each on its own and within {@code timeout}; verdicts in config order. */
    public static List<Verdict> checkAll(List<TenantConfig> tenants, Map<String, String> env, Duration timeout) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, tenants.size()), r -> {
            Thread t = new Thread(r, "check");
            t.setDaemon(true);
            return t;
        });
        try {
            List<TenantCheck> checks = new ArrayList<>();
            List<Future<Verdict>> futures = new ArrayList<>();
            for (TenantConfig t : tenants) {
                TenantCheck check = new TenantCheck(t, env, Clock.systemUTC());
                checks.add(check);
                futures.add(pool.submit(() -> check.run(timeout)));
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            List<Verdict> verdicts = new ArrayList<>();
            for (int i = 0; i < tenants.size(); i++) {
                verdicts.add(await(checks.get(i), futures.get(i), deadline, timeout));
            }
            return verdicts;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Checks one tenant, within {@code timeout}. */
    public static Verdict check(TenantConfig tenant, Map<String, String> env, Duration timeout) {
        return checkAll(List.of(tenant), env, timeout).get(0);
    }

    private static Verdict await(TenantCheck check, Future<Verdict> future, long deadline, Duration timeout) {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // Freeze the verdict before interrupting the worker, whose late findings are then ignored.
            Verdict verdict = check.timedOut(timeout);
            future.cancel(true);
            return verdict;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Verdict verdict = check.failedWith(new IllegalStateException("interrupted"));
            future.cancel(true);
            return verdict;
        } catch (ExecutionException e) {
            return check.failedWith(e.getCause());
        }
    }

    private Verdict verdict(List<Finding> list) {
        List<Finding> clean = new ArrayList<>();
        for (Finding f : list) clean.add(new Finding(f.step(), f.status(), scrub(f.detail()), scrub(f.action())));
        return new Verdict(tenant.name(), tenant.tenantId(), tenant.clientId(), clean);
    }

    private synchronized Verdict timedOut(Duration timeout) {
        abandoned = true;
        List<Finding> list = new ArrayList<>(findings);
        list.add(Finding.failed(currentStep.get(), "no answer within " + timeout.toSeconds() + " s", slowAction()));
        return verdict(list);
    }

    private String slowAction() {
        return "Entra ID or Graph did not answer in time: check network, proxy and firewall towards "
                + tenant.authorityHost() + " and " + tenant.graphBaseUrl() + ", then run check again";
    }

    private synchronized Verdict failedWith(Throwable e) {
        abandoned = true;
        List<Finding> list = new ArrayList<>(findings);
        list.add(Finding.failed(currentStep.get(), "unexpected error: " + GraphErrors.describe(e),
                "run check again; if it persists, report this output"));
        return verdict(list);
    }

    private synchronized void add(Finding f) {
        if (!abandoned) findings.add(f);
    }

    private synchronized Verdict result() { return verdict(findings); }

    // ---- the steps ----

    private Verdict run(Duration timeout) {
        long started = System.nanoTime();
        rememberSecret();
        GraphServiceClient graph;
        try {
            TokenCredential credential = GraphClients.credential(tenant, env);
            AccessToken token = credential.getTokenSync(new TokenRequestContext().addScopes(tenant.cloud().scope()));
            redact.add(token.getToken());
            add(Finding.ok(TOKEN, "acquired for " + tenant.cloud().scope() + " from " + tenant.authorityHost()));
            graph = GraphClients.create(tenant, credential);
        } catch (RuntimeException e) {
            add(tokenFailure(e));
            skipAfter(tenant.groups().isEmpty() ? new String[] {USERS, SCHEDULE, PRESENCE} : new String[] {USERS, GROUPS, SCHEDULE, PRESENCE});
            return result();
        }

        currentStep.set(USERS);
        Duration lookupBudget = Duration.ofNanos((long) (timeout.toNanos() * LOOKUP_SHARE) - (System.nanoTime() - started));
        GraphUserDirectory directory = new GraphUserDirectory(graph);
        List<User> resolved = new ArrayList<>();
        if (tenant.users().isEmpty()) add(Finding.ok(USERS, "no users listed (members of groups only)"));
        else resolved.addAll(lookUpUsers(directory, lookupBudget));
        if (!tenant.groups().isEmpty()) {
            currentStep.set(GROUPS);
            resolved.addAll(readGroups(directory));
        }
        if (resolved.isEmpty()) {
            skipAfter(SCHEDULE, PRESENCE);
            return result();
        }

        User user = resolved.get(0);
        currentStep.set(SCHEDULE);
        checkSchedule(new GraphCalendarSource(tenant.name(), graph), user, resolved);
        currentStep.set(PRESENCE);
        checkPresence(new GraphCallStateSource(tenant.name(), graph), user);
        return result();
    }

    private void skipAfter(String... steps) {
        for (String s : steps) add(Finding.skipped(s, "not tried"));
    }

    private Finding tokenFailure(RuntimeException e) {
        if (e instanceof io.presencesync.adapter.config.ConfigException) {
            return Finding.failed(TOKEN, e.getMessage(), "fix the credential's configuration: " + e.getMessage());
        }
        String chain = messages(e);
        String detail = firstLine(chain);
        Matcher m = AADSTS.matcher(chain);
        if (m.find()) {
            String code = m.group(1);
            detail = "AADSTS" + code + firstLine(chain.substring(m.end()));
            String action = switch (code) {
                case "7000215" -> "the client secret is wrong: create a new one in Entra ID → App registrations → "
                        + tenant.clientId() + " → Certificates & secrets, store its Value (not its Secret ID) in " + secretPlace();
                case "7000222" -> "the client secret expired: create a new one in Entra ID → App registrations → "
                        + tenant.clientId() + " → Certificates & secrets, store it in " + secretPlace();
                case "700016" -> "application " + tenant.clientId() + " not found in tenant " + tenant.tenantId()
                        + ": check clientId and tenantId (and that the app was consented to in this tenant)";
                case "90002", "900023", "90013" -> "tenant " + tenant.tenantId() + " not found at " + tenant.authorityHost()
                        + ": check tenantId and cloud";
                case "700027", "700023" -> "the certificate is not accepted: upload its public part in Entra ID → App registrations → "
                        + tenant.clientId() + " → Certificates & secrets, or configure the certificate that is uploaded there";
                case "7000112" -> "application " + tenant.clientId() + " is disabled in tenant " + tenant.tenantId()
                        + ": enable its enterprise application (Properties → Enabled for users to sign in)";
                case "70021", "700213", "700211", "700212" -> "the federated credential does not match: in Entra ID → App registrations → "
                        + tenant.clientId() + " → Certificates & secrets → Federated credentials, check issuer, subject (service account) and audience";
                default -> "Entra ID refused the sign-in (AADSTS" + code + "): check tenantId, clientId and the credential";
            };
            return Finding.failed(TOKEN, detail, action);
        }
        if (unreachable(e)) {
            return Finding.failed(TOKEN, detail, "cannot reach " + tenant.authorityHost()
                    + ": check network, proxy and the JVM trust store (javax.net.ssl.trustStore)");
        }
        if (tenant.credential() instanceof CredentialConfig.ManagedIdentity) {
            return Finding.failed(TOKEN, detail, "no managed identity token: managedIdentity works only on an Azure resource "
                    + "with that identity assigned");
        }
        return Finding.failed(TOKEN, detail, "the sign-in failed: check tenantId, clientId and the credential");
    }

    private String secretPlace() {
        if (tenant.credential() instanceof CredentialConfig.ClientSecret s) {
            return s.file() != null ? "secretFile " + s.file() : "environment variable " + s.env() + " (secretEnv)";
        }
        return "the credential the configuration references";
    }

    private List<User> lookUpUsers(GraphUserDirectory directory, Duration budget) {
        List<String> refs = tenant.users();
        long deadline = System.nanoTime() + Math.max(0, budget.toNanos());
        AtomicReference<String> refusal = new AtomicReference<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(LOOKUP_THREADS, refs.size())), r -> {
            Thread t = new Thread(r, "check-lookup");
            t.setDaemon(true);
            return t;
        });
        List<Future<SourceResult<User>>> futures = new ArrayList<>();
        try {
            // The first alone: a refusal of the whole directory (401, 403) then stops the rest.
            for (int i = 0; i < refs.size(); i++) {
                String ref = refs.get(i);
                futures.add(pool.submit(() -> {
                    if (refusal.get() != null || System.nanoTime() > deadline) return null;
                    SourceResult<User> r = directory.resolve(List.of(ref)).get(ref);
                    if (r instanceof SourceResult.Unavailable<User> u && directoryRefused(u.message())) refusal.compareAndSet(null, u.message());
                    return r;
                }));
                if (i == 0) waitFor(futures.get(0), deadline);
            }
            List<User> resolved = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            String lookupFailure = null;
            boolean unknownUsers = false;
            int unchecked = 0;
            for (int i = 0; i < refs.size(); i++) {
                SourceResult<User> r = waitFor(futures.get(i), deadline);
                if (r == null) {
                    unchecked++;
                } else if (r instanceof SourceResult.Ok<User> ok) {
                    resolved.add(ok.value());
                } else if (r instanceof SourceResult.UserError<User> ue) {
                    unknownUsers = true;
                    problems.add(refs.get(i) + ": " + ("NotFound".equals(ue.code())
                            ? "not found in the directory (check the UPN, address or object id)" : ue.message()));
                } else if (r instanceof SourceResult.Unavailable<User> un) {
                    if (lookupFailure == null) lookupFailure = un.message();
                    problems.add(refs.get(i) + ": lookup failed: " + un.message());
                }
            }
            String refused = refusal.get();
            if (refused != null && resolved.isEmpty()) {
                add(Finding.failed(USERS, "0 of " + refs.size() + " users resolved: " + refused, graphAction(refused, "User.Read.All")));
                return resolved;
            }
            StringBuilder detail = new StringBuilder(resolved.size() + " of " + refs.size() + " users resolved");
            if (unchecked > 0) detail.append(" (").append(unchecked).append(" not looked up within the time limit)");
            for (String p : problems) detail.append("\n").append(p);
            List<String> actions = new ArrayList<>();
            if (lookupFailure != null) actions.add(graphAction(lookupFailure, "User.Read.All"));
            if (unknownUsers) actions.add("fix or remove the users that did not resolve in tenants[].users (they would be skipped)");
            if (resolved.isEmpty() && unchecked > 0) actions.add(slowAction());
            if (actions.isEmpty() && resolved.isEmpty()) actions.add("no configured user could be looked up: fix tenants[].users");
            if (!actions.isEmpty()) {
                add(Finding.failed(USERS, detail.toString(), actions.get(0)));
                for (String more : actions.subList(1, actions.size())) add(new Finding(USERS, Status.FAILED, "", more));
            } else {
                add(unchecked > 0 ? Finding.warning(USERS, detail.toString(), null) : Finding.ok(USERS, detail.toString()));
            }
            return resolved;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Reads every configured group's user members; a refused or unknown group is a finding with the fix. */
    private List<User> readGroups(GraphUserDirectory directory) {
        Map<String, SourceResult<List<User>>> members = directory.groupMembers(tenant.groups());
        List<User> users = new ArrayList<>();
        List<String> details = new ArrayList<>();
        List<String> actions = new ArrayList<>();
        for (String group : tenant.groups()) {
            SourceResult<List<User>> r = members.getOrDefault(group, new SourceResult.Unavailable<>("no answer"));
            if (r instanceof SourceResult.Ok<List<User>> ok) {
                users.addAll(ok.value());
                details.add("group " + group + ": " + ok.value().size() + " user members");
            } else if (r instanceof SourceResult.UserError<List<User>> e) {
                details.add("group " + group + ": " + e.message());
                actions.add("NotFound".equals(e.code()) ? "group " + group + " does not exist in this tenant: fix tenants[].groups"
                        : permissionAction("GroupMember.Read.All"));
            } else if (r instanceof SourceResult.Unavailable<List<User>> u) {
                details.add("group " + group + ": could not be read: " + u.message());
                actions.add(graphAction(u.message(), "GroupMember.Read.All"));
            }
        }
        String detail = String.join("\n", details);
        if (actions.isEmpty()) add(Finding.ok(GROUPS, detail));
        else {
            add(Finding.failed(GROUPS, detail, actions.get(0)));
            for (String more : actions.subList(1, actions.size()).stream().distinct().toList()) {
                if (!more.equals(actions.get(0))) add(new Finding(GROUPS, Status.FAILED, "", more));
            }
        }
        return users;
    }

    private static <T> T waitFor(Future<T> f, long deadline) {
        try {
            return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            return null;
        }
    }

    private static boolean directoryRefused(String message) {
        int status = status(message);
        return status == 401 || status == 403;
    }

    private void checkSchedule(GraphCalendarSource calendars, User user, List<User> resolved) {
        Instant from = clock.instant();
        SourceResult<List<FreeBusyItem>> r = schedule(calendars, user, from);
        if (r instanceof SourceResult.Ok<List<FreeBusyItem>> ok) {
            add(Finding.ok(SCHEDULE, "free/busy of " + user.address() + " read (" + ok.value().size() + " item(s) in the next hour)"));
            return;
        }
        if (r instanceof SourceResult.UserError<List<FreeBusyItem>> ue) {
            add(mailboxError(user, ue.code(), ue.message()));
            return;
        }
        String message = ((SourceResult.Unavailable<List<FreeBusyItem>>) r).message();
        int status = status(message);
        if (status == 403) {
            // Tenant-wide (no permission) or only this mailbox (access policy)? Ask through others.
            List<String> refusedToo = new ArrayList<>();
            for (User other : resolved.subList(1, Math.min(resolved.size(), 1 + OTHER_MAILBOXES))) {
                SourceResult<List<FreeBusyItem>> o = schedule(calendars, other, from);
                if (o instanceof SourceResult.Ok) {
                    add(Finding.failed(SCHEDULE, "access to the mailbox " + user.address() + " denied, but free/busy of "
                            + other.address() + " read: " + message, policyAction(List.of(user.address()))));
                    return;
                }
                refusedToo.add(other.address());
            }
            List<String> tried = new ArrayList<>();
            tried.add(user.address());
            tried.addAll(refusedToo);
            if (mentionsPolicy(message)) {
                add(Finding.failed(SCHEDULE, message, policyAction(tried)));
            } else {
                add(Finding.failed(SCHEDULE, message + (tried.size() > 1 ? " (also for " + String.join(", ", refusedToo) + ")" : ""),
                        permissionAction("Calendars.ReadBasic") + " (if it is granted: an application access policy / RBAC for "
                                + "Applications scope excludes " + String.join(", ", tried) + ")"));
            }
            return;
        }
        if (status == 404) {
            add(Finding.failed(SCHEDULE, message, "mailbox " + user.address()
                    + " has no Exchange Online mailbox (not licensed, on-premises or shared): license it or remove it from tenants[].users"));
            return;
        }
        add(Finding.failed(SCHEDULE, message, graphAction(message, "Calendars.ReadBasic")));
    }

    private SourceResult<List<FreeBusyItem>> schedule(GraphCalendarSource calendars, User user, Instant from) {
        return calendars.freeBusy(List.of(user), from, from.plus(Duration.ofHours(1))).get(user.id());
    }

    private Finding mailboxError(User user, String code, String message) {
        String detail = code + ": " + message;
        if (code.toLowerCase(Locale.ROOT).contains("accessdenied")) {
            return Finding.failed(SCHEDULE, detail, policyAction(List.of(user.address())));
        }
        if ("5009".equals(code) || code.contains("RecipientNotFound")) {
            return Finding.failed(SCHEDULE, detail, "Exchange knows no mailbox " + user.address()
                    + ": use the primary SMTP address or remove the user from tenants[].users");
        }
        return Finding.failed(SCHEDULE, detail, "free/busy of " + user.address() + " cannot be read: check the mailbox in Exchange Online");
    }

    private String policyAction(List<String> addresses) {
        return (addresses.size() == 1 ? "mailbox " + addresses.get(0) + " is" : "mailboxes " + String.join(", ", addresses) + " are")
                + " excluded by an application access policy / RBAC for Applications scope: add "
                + (addresses.size() == 1 ? "it" : "them") + " to the scope of app " + tenant.clientId()
                + " (Exchange Online PowerShell: Test-ServicePrincipalAuthorization / Test-ApplicationAccessPolicy)";
    }

    private static boolean mentionsPolicy(String message) {
        String m = message.toLowerCase(Locale.ROOT);
        return m.contains("accesspolicy") || m.contains("access policy") || m.contains("rbac");
    }

    private void checkPresence(GraphCallStateSource presences, User user) {
        SourceResult<TeamsPresence> r = presences.presences(List.of(user)).get(user.id());
        if (r instanceof SourceResult.Ok<TeamsPresence> ok) {
            add(Finding.ok(PRESENCE, "presence of " + user.address() + " read (activity " + ok.value().activity() + ")"));
        } else if (r instanceof SourceResult.UserError<TeamsPresence> ue) {
            add(Finding.failed(PRESENCE, ue.code() + ": " + ue.message(), "check the Teams account of " + user.address()));
        } else {
            String message = ((SourceResult.Unavailable<TeamsPresence>) r).message();
            if (message.startsWith("no presence returned")) {
                add(Finding.warning(PRESENCE, message, null));
            } else {
                add(Finding.failed(PRESENCE, message, graphAction(message, "Presence.Read.All")));
            }
        }
    }

    // ---- Graph errors to actions ----

    /** The action for a Graph request refused or failed as a whole. */
    private String graphAction(String message, String permission) {
        int status = status(message);
        if (status == 401) {
            return "Graph refused the token (InvalidAuthenticationToken: wrong audience): check `cloud` (token scope "
                    + tenant.cloud().scope() + ") and graphBaseUrl " + tenant.graphBaseUrl();
        }
        if (status == 403) return permissionAction(permission);
        if (status == 429 || status >= 500) return "Graph is busy or failing (HTTP " + status + "): run check again later";
        if (status == 0 && looksUnreachable(message)) {
            return "cannot reach " + tenant.graphBaseUrl() + ": check network, proxy and the JVM trust store (javax.net.ssl.trustStore)";
        }
        return "the request failed: run check again; if it persists, check graphBaseUrl " + tenant.graphBaseUrl();
    }

    private String permissionAction(String permission) {
        return "grant the application permission " + permission + " (Microsoft Graph, Application) and admin consent: "
                + "Entra ID → App registrations → " + tenant.clientId() + " → API permissions";
    }

    private static int status(String message) {
        Matcher m = HTTP.matcher(message == null ? "" : message);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static boolean looksUnreachable(String message) {
        return message.contains("UnknownHost") || message.contains("ConnectException") || message.contains("SSL")
                || message.contains("SocketTimeout") || message.contains("PKIX") || message.contains("NoRouteToHost")
                || message.contains("InterruptedIOException") || message.contains("timeout");
    }

    private static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnknownHostException || t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof SocketTimeoutException || t instanceof javax.net.ssl.SSLException
                    || t instanceof java.security.cert.CertificateException || t instanceof java.security.cert.CertPathBuilderException
                    || t instanceof java.nio.channels.UnresolvedAddressException) {
                return true;
            }
            String name = t.getClass().getName();
            if (name.endsWith("ConnectTimeoutException") || name.endsWith("ReadTimeoutException")) return true;
            if (t.getMessage() != null && (t.getMessage().contains("PKIX path") || t.getMessage().contains("Connection refused"))) return true;
        }
        return false;
    }

    private static String messages(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null) b.append(t.getMessage()).append('\n');
            else b.append(t.getClass().getSimpleName()).append('\n');
        }
        return b.toString();
    }

    private static String firstLine(String text) {
        String s = text.strip();
        int nl = s.indexOf('\n');
        if (nl >= 0) s = s.substring(0, nl);
        s = s.strip();
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    // ---- never show the secret or the token ----

    private void rememberSecret() {
        if (tenant.credential() instanceof CredentialConfig.ClientSecret s) {
            try {
                String value = s.file() != null ? Files.readString(s.file()).strip() : env.get(s.env());
                if (value != null && !value.isBlank()) redact.add(value.strip());
            } catch (IOException | RuntimeException e) {
                // GraphClients reports an unreadable secret itself.
            }
        }
    }

    private String scrub(String text) {
        if (text == null) return null;
        String s = text;
        for (String secret : redact) {
            if (secret != null && secret.length() >= 4) s = s.replace(secret, "***");
        }
        return s;
    }
}
