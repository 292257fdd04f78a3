package io.presencesync.adapter.graph;

import io.presencesync.adapter.config.TenantConfig;
import io.presencesync.adapter.graph.TenantCheck.Finding;
import io.presencesync.adapter.graph.TenantCheck.Status;
import io.presencesync.application.port.SourceResult;
import io.presencesync.application.port.UserDirectory;
import io.presencesync.domain.User;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The user steps of {@link TenantCheck}: the listed users looked up the way the service looks them
 * up ({@link GraphUserDirectory}, in parallel), within a time budget, and the groups' members read.
 */
final class DirectoryCheck {

    /** Users looked up per round: enough to keep every lookup thread of the directory busy. */
    static final int USERS_PER_ROUND = GraphUserDirectory.PARALLEL_LOOKUPS * GraphUserDirectory.LOOKUPS_PER_TASK;

    private final TenantConfig tenant;
    private final UserDirectory directory;
    private final CheckAdvice advice;
    private final Consumer<Finding> findings;

    DirectoryCheck(TenantConfig tenant, UserDirectory directory, CheckAdvice advice, Consumer<Finding> findings) {
        this.tenant = tenant;
        this.directory = directory;
        this.advice = advice;
        this.findings = findings;
    }

    /**
     * Looks the listed users up, the first alone: a refusal of the whole directory (401, 403) then
     * stops the rest. Users not looked up within {@code budget} are reported as such, not as bad users.
     */
    List<User> lookUpUsers(Duration budget) {
        List<String> refs = tenant.users();
        long deadline = System.nanoTime() + Math.max(0, budget.toNanos());
        Map<String, SourceResult<User>> answered = new ConcurrentHashMap<>();
        AtomicReference<String> refusal = new AtomicReference<>();
        ExecutorService waiter = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "check-lookup");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<?> lookups = waiter.submit(() -> {
                for (int i = 0; i < refs.size() && refusal.get() == null && System.nanoTime() < deadline; ) {
                    List<String> round = refs.subList(i, i == 0 ? 1 : Math.min(refs.size(), i + USERS_PER_ROUND));
                    i += round.size();
                    for (Map.Entry<String, SourceResult<User>> r : directory.resolve(round).entrySet()) {
                        if (r.getValue() instanceof SourceResult.Unavailable<User> u && directoryRefused(u.message())) {
                            refusal.compareAndSet(null, u.message());
                        }
                        answered.put(r.getKey(), r.getValue());
                    }
                }
            });
            waitFor(lookups, deadline);
            // What was answered in time, taken before the rest is stopped (a stopped lookup answers "interrupted").
            Map<String, SourceResult<User>> inTime = Map.copyOf(answered);
            lookups.cancel(true);
            return report(refs, inTime, refusal.get());
        } finally {
            waiter.shutdownNow();
        }
    }

    private List<User> report(List<String> refs, Map<String, SourceResult<User>> answered, String refused) {
        List<User> resolved = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        String lookupFailure = null;
        boolean unknownUsers = false;
        int unchecked = 0;
        for (String ref : refs) {
            SourceResult<User> r = answered.get(ref);
            if (r == null) {
                unchecked++;
            } else if (r instanceof SourceResult.Ok<User> ok) {
                resolved.add(ok.value());
            } else if (r instanceof SourceResult.UserError<User> ue) {
                unknownUsers = true;
                problems.add(ref + ": " + ("NotFound".equals(ue.code())
                        ? "not found in the directory (check the UPN, address or object id)" : ue.message()));
            } else if (r instanceof SourceResult.Unavailable<User> un) {
                if (lookupFailure == null) lookupFailure = un.message();
                problems.add(ref + ": lookup failed: " + un.message());
            }
        }
        if (refused != null && resolved.isEmpty()) {
            findings.accept(Finding.failed(TenantCheck.USERS, "0 of " + refs.size() + " users resolved: " + refused,
                    advice.graphAction(refused, "User.Read.All")));
            return resolved;
        }
        StringBuilder detail = new StringBuilder(resolved.size() + " of " + refs.size() + " users resolved");
        if (unchecked > 0) detail.append(" (").append(unchecked).append(" not looked up within the time limit)");
        for (String p : problems) detail.append("\n").append(p);
        List<String> actions = new ArrayList<>();
        if (lookupFailure != null) actions.add(advice.graphAction(lookupFailure, "User.Read.All"));
        if (unknownUsers) actions.add("fix or remove the users that did not resolve in tenants[].users (they would be skipped)");
        if (resolved.isEmpty() && unchecked > 0) actions.add(advice.slowAction());
        if (actions.isEmpty() && resolved.isEmpty()) actions.add("no configured user could be looked up: fix tenants[].users");
        if (!actions.isEmpty()) {
            findings.accept(Finding.failed(TenantCheck.USERS, detail.toString(), actions.get(0)));
            for (String more : actions.subList(1, actions.size())) findings.accept(new Finding(TenantCheck.USERS, Status.FAILED, "", more));
        } else {
            findings.accept(unchecked > 0 ? Finding.warning(TenantCheck.USERS, detail.toString(), null)
                    : Finding.ok(TenantCheck.USERS, detail.toString()));
        }
        return resolved;
    }

    /** Reads every configured group's user members; a refused or unknown group is a finding with the fix. */
    List<User> readGroups() {
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
                        : advice.permissionAction(GraphUserDirectory.GROUP_PERMISSION));
            } else if (r instanceof SourceResult.Unavailable<List<User>> u) {
                details.add("group " + group + ": could not be read: " + u.message());
                actions.add(advice.graphAction(u.message(), GraphUserDirectory.GROUP_PERMISSION));
            }
        }
        String detail = String.join("\n", details);
        if (actions.isEmpty()) {
            findings.accept(Finding.ok(TenantCheck.GROUPS, detail));
            return users;
        }
        findings.accept(Finding.failed(TenantCheck.GROUPS, detail, actions.get(0)));
        for (String more : actions.subList(1, actions.size()).stream().distinct().toList()) {
            if (!more.equals(actions.get(0))) findings.accept(new Finding(TenantCheck.GROUPS, Status.FAILED, "", more));
        }
        return users;
    }

    private static void waitFor(Future<?> f, long deadline) {
        try {
            f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // the users not answered by now are reported as not looked up
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | CancellationException e) {
            // what was answered before counts; the rest is reported as not looked up
        }
    }

    private static boolean directoryRefused(String message) {
        int status = CheckAdvice.status(message);
        return status == 401 || status == 403;
    }
}
