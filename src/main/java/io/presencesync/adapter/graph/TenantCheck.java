package io.presencesync.adapter.graph;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import io.presencesync.adapter.config.ConfigException;
import io.presencesync.adapter.config.CredentialConfig;
import io.presencesync.adapter.config.TenantConfig;
import io.presencesync.domain.User;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Tries a tenant's configuration against Entra ID and Graph the way the service will use it: a
 * token, the user lookup, one user's getSchedule and getPresencesByUserId, then a probe of many users
 * (a sample, or all), and says for each step what an administrator has to do when it fails. Never prints the secret or the token.
 */
public final class TenantCheck {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** The user lookup stops when this share of the tenant's time budget is used up. */
    private static final double LOOKUP_SHARE = 0.5;

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
    static final String PROBE = "users probed";
    /** Users probed by default: quick for any tenant (one $batch of getSchedule, one presence request). */
    public static final int DEFAULT_SAMPLE = 400;
    /** The probe stops when this share of the tenant's time budget is used up, so its finding is still given. */
    private static final double PROBE_SHARE = 0.9;

    private final TenantConfig tenant;
    private final Map<String, String> env;
    private final Clock clock;
    private final Options options;
    private final CheckAdvice advice;
    private final List<Finding> findings = new ArrayList<>();
    /** Set once the verdict was given without the worker (time limit): its later findings are dropped. */
    private boolean abandoned;
    private final List<String> redact = new CopyOnWriteArrayList<>();
    private final AtomicReference<String> currentStep = new AtomicReference<>(TOKEN);

    /**
     * How far a check goes beyond its first user.
     *
     * @param probeUsers how many resolved users are probed (getSchedule and presence); Integer.MAX_VALUE: all
     * @param progress   told of the probe's progress, a line at a time (the command prints it on stderr)
     */
    public record Options(int probeUsers, Consumer<String> progress) {
        public static final Options DEFAULTS = new Options(DEFAULT_SAMPLE, line -> { });
    }

    private TenantCheck(TenantConfig tenant, Map<String, String> env, Clock clock, Options options) {
        this.tenant = tenant;
        this.env = env;
        this.clock = clock;
        this.options = options;
        this.advice = new CheckAdvice(tenant);
    }

    /**
     * Checks every tenant at the same time, each on its own and within {@code timeout}; verdicts in config order.
     *
     * @param clock the time of the free/busy window asked for and of token and Retry-After decisions
     */
    public static List<Verdict> checkAll(List<TenantConfig> tenants, Map<String, String> env, Duration timeout, Clock clock) {
        return checkAll(tenants, env, timeout, clock, Options.DEFAULTS);
    }

    /** As {@link #checkAll(List, Map, Duration, Clock)}, probing as many users as {@code options} say. */
    public static List<Verdict> checkAll(List<TenantConfig> tenants, Map<String, String> env, Duration timeout, Clock clock, Options options) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, tenants.size()), r -> {
            Thread t = new Thread(r, "check");
            t.setDaemon(true);
            return t;
        });
        try {
            List<TenantCheck> checks = new ArrayList<>();
            List<Future<Verdict>> futures = new ArrayList<>();
            for (TenantConfig t : tenants) {
                TenantCheck check = new TenantCheck(t, env, clock, new Options(options.probeUsers(),
                        line -> options.progress().accept("tenant " + t.name() + ": " + line)));
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
    public static Verdict check(TenantConfig tenant, Map<String, String> env, Duration timeout, Clock clock) {
        return checkAll(List.of(tenant), env, timeout, clock).get(0);
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
        list.add(Finding.failed(currentStep.get(), "no answer within " + timeout.toSeconds() + " s", advice.slowAction()));
        return verdict(list);
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
        TenantGraph graph;
        try {
            TokenCredential credential = GraphClients.credential(tenant, env);
            AccessToken token = credential.getTokenSync(new TokenRequestContext().addScopes(tenant.cloud().scope()));
            redact.add(token.getToken());
            add(Finding.ok(TOKEN, "acquired for " + tenant.cloud().scope() + " from " + tenant.authorityHost()));
            graph = new TenantGraph(tenant, GraphClients.create(tenant, credential, clock), clock);
        } catch (RuntimeException e) {
            add(advice.tokenFailure(e));
            skipAfter(tenant.groups().isEmpty() ? new String[] {USERS, SCHEDULE, PRESENCE} : new String[] {USERS, GROUPS, SCHEDULE, PRESENCE});
            return result();
        }

        currentStep.set(USERS);
        Duration lookupBudget = Duration.ofNanos((long) (timeout.toNanos() * LOOKUP_SHARE) - (System.nanoTime() - started));
        DirectoryCheck directory = new DirectoryCheck(tenant, graph.directory(), advice, this::add);
        List<User> resolved = new ArrayList<>();
        if (tenant.users().isEmpty()) add(Finding.ok(USERS, "no users listed (members of groups only)"));
        else resolved.addAll(directory.lookUpUsers(lookupBudget));
        if (!tenant.groups().isEmpty()) {
            currentStep.set(GROUPS);
            resolved.addAll(directory.readGroups());
        }
        if (resolved.isEmpty()) {
            skipAfter(SCHEDULE, PRESENCE);
            return result();
        }

        User user = resolved.get(0);
        SourceCheck sources = new SourceCheck(advice, this::add);
        currentStep.set(SCHEDULE);
        sources.schedule(graph.calendars(), user, resolved, clock.instant());
        currentStep.set(PRESENCE);
        sources.presence(graph.callStates(), user);
        if (resolved.size() > 1) {
            currentStep.set(PROBE);
            long deadline = started + (long) (timeout.toNanos() * PROBE_SHARE);
            List<User> probed = resolved.subList(0, Math.min(resolved.size(), options.probeUsers()));
            new MailboxProbe(advice, this::add, options.progress()).probe(graph.calendars(), graph.callStates(), probed, resolved.size(),
                    clock.instant(), deadline);
        }
        return result();
    }

    private void skipAfter(String... steps) {
        for (String s : steps) add(Finding.skipped(s, "not tried"));
    }

    // ---- never show the secret or the token ----

    private void rememberSecret() {
        if (tenant.credential() instanceof CredentialConfig.ClientSecret s) {
            try {
                redact.add(s.secret().read(env));
            } catch (ConfigException e) {
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
