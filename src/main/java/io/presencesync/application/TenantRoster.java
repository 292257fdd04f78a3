package io.presencesync.application;

import io.presencesync.application.port.SourceResult;
import io.presencesync.application.port.UserDirectory;
import io.presencesync.domain.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who one tenant synchronises, and in which sync unit. The configured users and groups are looked
 * up in full every user-refresh interval; a lookup or group read that failed keeps what was known
 * and only it is tried again. Each user stays in the unit they were first put in (units fill up to
 * {@code unitSize}), so a unit's state never has to follow a user elsewhere, and a user missing
 * from their unit's members has left. In clustered mode it lives in the database, in the
 * persistence adapter's format of its {@link Saved} form.
 */
public final class TenantRoster {

    private static final Logger log = LoggerFactory.getLogger(TenantRoster.class);

    private final String tenant;
    private int unitSize;
    /** The configured references and groups the state below was built for; another configuration forces a full lookup. */
    private List<String> references = List.of();
    private List<String> groups = List.of();
    private final Map<String, User> userByReference = new HashMap<>();
    private final Map<String, String> unresolved = new HashMap<>();
    private final Set<String> pendingReferences = new LinkedHashSet<>();
    private final Map<String, List<User>> membersByGroup = new HashMap<>();
    private final Map<String, String> unreadableGroups = new HashMap<>();
    private final Set<String> pendingGroups = new LinkedHashSet<>();
    private final Map<String, Integer> unitOf = new HashMap<>();
    private Instant refreshedAt;

    public TenantRoster(String tenant) {
        this.tenant = Objects.requireNonNull(tenant, "tenant");
    }

    /**
     * What a roster keeps, for the persistence adapter.
     *
     * @param references the configured references the lookups below were made for
     * @param groups     the configured groups the group reads below were made for
     * @param unitOf     each synchronised user's unit, by user id
     * @param refreshedAt the last full lookup; null: none yet
     */
    public record Saved(List<String> references, List<String> groups, Lookups<User> users, Lookups<List<User>> groupMembers,
                        Map<String, Integer> unitOf, Instant refreshedAt) {
        public Saved {
            references = List.copyOf(references);
            groups = List.copyOf(groups);
            Objects.requireNonNull(users, "users");
            Objects.requireNonNull(groupMembers, "groupMembers");
            unitOf = Map.copyOf(unitOf);
        }
    }

    /**
     * The answers to one kind of lookup, by configured reference or group id.
     *
     * @param found   what was found
     * @param refused why a lookup was refused for good (logged once), by reference
     * @param pending the lookups that failed for now and are tried again soon, in order
     */
    public record Lookups<T>(Map<String, T> found, Map<String, String> refused, List<String> pending) {
        public Lookups {
            found = Map.copyOf(found);
            refused = Map.copyOf(refused);
            pending = List.copyOf(pending);
        }
    }

    /** What to save. */
    public Saved saved() {
        return new Saved(references, groups, new Lookups<>(userByReference, unresolved, List.copyOf(pendingReferences)),
                new Lookups<>(membersByGroup, unreadableGroups, List.copyOf(pendingGroups)), unitOf, refreshedAt);
    }

    /** The tenant's roster as it was saved. */
    public static TenantRoster restore(String tenant, Saved saved) {
        TenantRoster roster = new TenantRoster(tenant);
        roster.references = saved.references();
        roster.groups = saved.groups();
        roster.userByReference.putAll(saved.users().found());
        roster.unresolved.putAll(saved.users().refused());
        roster.pendingReferences.addAll(saved.users().pending());
        roster.membersByGroup.putAll(saved.groupMembers().found());
        roster.unreadableGroups.putAll(saved.groupMembers().refused());
        roster.pendingGroups.addAll(saved.groupMembers().pending());
        roster.unitOf.putAll(saved.unitOf());
        roster.refreshedAt = saved.refreshedAt();
        return roster;
    }

    public String tenant() { return tenant; }

    /**
     * A roster that never refreshed (lost, unreadable, or the tenant's first) takes each user's unit
     * from the units' members as they are, so nobody moves: a user moved between units would get a
     * NONE from the unit they left.
     */
    public void adoptUnits(List<List<User>> units) {
        for (int unit = 0; unit < units.size(); unit++) {
            for (User user : units.get(unit)) unitOf.putIfAbsent(user.id(), unit);
        }
    }

    /** Whether no full lookup was made yet (a new roster, or one lost or unreadable). */
    public boolean neverRefreshed() {
        return refreshedAt == null;
    }

    /** Whether a lookup or group read failed and is to be tried again soon. */
    public boolean hasPending() {
        return !pendingReferences.isEmpty() || !pendingGroups.isEmpty();
    }

    /**
     * Looks up what is due at {@code now}: everything when the configuration changed or a full
     * refresh is due, else only the references and groups whose last lookup failed. Joiners fill
     * units up to {@code unitSize}; a changed size applies to joiners only (nobody moves, so no
     * unit has to hand a user's state to another).
     */
    public void refresh(List<String> configuredReferences, List<String> configuredGroups, UserDirectory directory,
                        Instant now, Duration interval, int unitSize) {
        if (unitSize < 1) throw new IllegalArgumentException("unitSize must be positive: " + unitSize);
        this.unitSize = unitSize;
        boolean full = refreshedAt == null || !now.isBefore(refreshedAt.plus(interval))
                || !references.equals(configuredReferences) || !groups.equals(configuredGroups);
        if (full) forgetUnconfigured(configuredReferences, configuredGroups);
        List<String> asked = full ? references : new ArrayList<>(pendingReferences);
        List<String> askedGroups = full ? groups : new ArrayList<>(pendingGroups);
        if (asked.isEmpty() && askedGroups.isEmpty()) return;
        Map<String, SourceResult<User>> found = asked.isEmpty() ? Map.of() : directory.resolve(asked);
        Map<String, SourceResult<List<User>>> members = askedGroups.isEmpty() ? Map.of() : directory.groupMembers(askedGroups);
        for (String ref : asked) apply(ref, found.getOrDefault(ref, new SourceResult.Unavailable<>("no answer")));
        for (String group : askedGroups) applyGroup(group, members.getOrDefault(group, new SourceResult.Unavailable<>("no answer")));
        assignUnits();
        if (full) refreshedAt = now;
    }

    /** The members of each unit, by unit number; a unit may be empty after leavers. */
    public List<List<User>> units() {
        Map<String, User> live = liveUsers();
        List<List<User>> units = new ArrayList<>();
        for (User user : live.values()) {
            int unit = unitOf.get(user.id());
            while (units.size() <= unit) units.add(new ArrayList<>());
            units.get(unit).add(user);
        }
        return units;
    }

    /** Every user synchronised now, each once. */
    public List<User> users() {
        return List.copyOf(liveUsers().values());
    }

    private void forgetUnconfigured(List<String> configuredReferences, List<String> configuredGroups) {
        references = List.copyOf(configuredReferences);
        groups = List.copyOf(configuredGroups);
        Set<String> refs = Set.copyOf(references);
        Set<String> grps = Set.copyOf(groups);
        userByReference.keySet().retainAll(refs);
        unresolved.keySet().retainAll(refs);
        pendingReferences.retainAll(refs);
        membersByGroup.keySet().retainAll(grps);
        unreadableGroups.keySet().retainAll(grps);
        pendingGroups.retainAll(grps);
    }

    private Map<String, User> liveUsers() {
        Map<String, User> live = new LinkedHashMap<>();
        for (String ref : references) {
            User user = userByReference.get(ref);
            if (user != null) live.put(user.id(), user);
        }
        for (String group : groups) {
            for (User user : membersByGroup.getOrDefault(group, List.of())) live.putIfAbsent(user.id(), user);
        }
        return live;
    }

    /** Leavers free their place; joiners fill the lowest unit that has room. */
    private void assignUnits() {
        Map<String, User> live = liveUsers();
        unitOf.keySet().retainAll(live.keySet());
        List<Integer> filled = new ArrayList<>();
        for (int unit : unitOf.values()) {
            while (filled.size() <= unit) filled.add(0);
            filled.set(unit, filled.get(unit) + 1);
        }
        int candidate = 0;
        for (String id : live.keySet()) {
            if (unitOf.containsKey(id)) continue;
            while (candidate < filled.size() && filled.get(candidate) >= unitSize) candidate++;
            if (candidate == filled.size()) filled.add(0);
            filled.set(candidate, filled.get(candidate) + 1);
            unitOf.put(id, candidate);
        }
    }

    private void apply(String ref, SourceResult<User> r) {
        if (r instanceof SourceResult.Ok<User> ok) {
            userByReference.put(ref, ok.value());
            pendingReferences.remove(ref);
            if (unresolved.remove(ref) != null) log.info("tenant {}: user {} found again", tenant, ref);
        } else if (r instanceof SourceResult.UserError<User> e) {
            userByReference.remove(ref);
            pendingReferences.remove(ref);
            String why = e.code() + ": " + e.message();
            if (!why.equals(unresolved.put(ref, why))) log.error("tenant {}: user {} not synchronised: {}", tenant, ref, why);
        } else if (r instanceof SourceResult.Unavailable<User> u && pendingReferences.add(ref)) {
            log.warn("tenant {}: user {} could not be looked up ({}); {} and trying again soon", tenant, ref,
                    u.message(), userByReference.containsKey(ref) ? "keeping it" : "not synchronised yet");
        }
    }

    private void applyGroup(String group, SourceResult<List<User>> r) {
        if (r instanceof SourceResult.Ok<List<User>> ok) {
            List<User> before = membersByGroup.put(group, List.copyOf(ok.value()));
            pendingGroups.remove(group);
            if (unreadableGroups.remove(group) != null) log.info("tenant {}: group {} readable again", tenant, group);
            if (before == null || before.size() != ok.value().size()) {
                log.info("tenant {}: group {} has {} user members", tenant, group, ok.value().size());
            }
        } else if (r instanceof SourceResult.UserError<List<User>> e) {
            membersByGroup.remove(group);
            pendingGroups.remove(group);
            String why = e.code() + ": " + e.message();
            if (!why.equals(unreadableGroups.put(group, why))) log.error("tenant {}: group {} not synchronised: {}", tenant, group, why);
        } else if (r instanceof SourceResult.Unavailable<List<User>> u && pendingGroups.add(group)) {
            List<User> known = membersByGroup.get(group);
            log.warn("tenant {}: group {} could not be read ({}); {} and trying again soon", tenant, group, u.message(),
                    known == null ? "no members known yet" : "keeping its " + known.size() + " known members");
        }
    }
}
