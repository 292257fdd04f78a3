package io.presencesync.application.explain;

import io.presencesync.application.SyncTiming;
import io.presencesync.application.UnitMembers;
import io.presencesync.application.UnitStates;
import io.presencesync.application.UserInputs;
import io.presencesync.application.status.SyncStatus;
import io.presencesync.application.status.UserProblem;
import io.presencesync.rules.PresenceRules;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Explains a synchronised user from the state of the unit that runs them. The state is read the way
 * a run takes it ({@link UnitStates#read}): in clustered mode from PostgreSQL, so any node answers for
 * any user, whichever node ran the unit last. Problems and store answers are this node's own records.
 */
public final class ServiceExplainer implements UserExplainer {

    /** The outcome of asking about one user. */
    public sealed interface Answer permits Found, NotSynchronised, UnitBusy {}

    public record Found(UserExplanation explanation) implements Answer {}

    /** The user is in no unit of the tenant (never found, not yet looked up, or left). */
    public record NotSynchronised(String reason) implements Answer {}

    /** A run holds the user's unit right now (on this node or another): ask again in a second. */
    public record UnitBusy(int unit) implements Answer {}

    /** What the sync of the tenants works with: their rules, timing, the units' members and states. */
    public record Parts(Map<String, PresenceRules> rules, SyncTiming timing, UnitMembers members, UnitStates states, Clock clock) {
        public Parts {
            rules = Map.copyOf(rules);
            Objects.requireNonNull(timing, "timing");
            Objects.requireNonNull(members, "members");
            Objects.requireNonNull(states, "states");
            Objects.requireNonNull(clock, "clock");
        }
    }

    private final Parts sync;
    private final SyncStatus status;
    private final DeliveryRecords deliveries;

    /**
     * @param status     where this node's sync records the sources' errors about users
     * @param deliveries what this node's publishers' stores answered per user
     */
    public ServiceExplainer(Parts sync, SyncStatus status, DeliveryRecords deliveries) {
        this.sync = Objects.requireNonNull(sync, "sync");
        this.status = Objects.requireNonNull(status, "status");
        this.deliveries = Objects.requireNonNull(deliveries, "deliveries");
    }

    @Override
    public Answer explain(String tenant, String idOrAddress) {
        PresenceRules tenantRules = sync.rules().get(tenant);
        if (tenantRules == null) throw new IllegalArgumentException("unknown tenant \"" + tenant + "\"");
        Optional<UnitMembers.Member> member = sync.members().find(tenant, idOrAddress);
        if (member.isEmpty()) {
            return new NotSynchronised("no user \"" + idOrAddress + "\" is synchronised in tenant " + tenant
                    + " (not configured, not found in the directory, or not yet looked up)");
        }
        int unit = member.get().unit();
        Optional<Optional<UserInputs>> read = sync.states().read(tenant, unit, state -> UserInputs.of(state, member.get().user().id()));
        if (read.isEmpty()) return new UnitBusy(unit);
        if (read.get().isEmpty()) {
            return new NotSynchronised("user " + member.get().user().address() + " joined unit " + unit + " of tenant " + tenant
                    + " but its first run has not taken them in yet");
        }
        UserInputs inputs = read.get().get();
        return new Found(ExplainUser.explain(tenant, inputs, tenantRules, sync.timing(), sync.clock().instant(), problems(tenant, inputs),
                deliveries.deliveries(tenant, inputs.user().id())));
    }

    /** The sources' definitive errors about this user, as this node's sync status records them. */
    private List<UserProblem> problems(String tenant, UserInputs inputs) {
        return status.tenant(tenant).userProblems().stream().filter(p -> p.user().equalsIgnoreCase(inputs.user().address())).toList();
    }
}
