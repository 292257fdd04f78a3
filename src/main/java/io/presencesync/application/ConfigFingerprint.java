package io.presencesync.application;

import io.presencesync.rules.RuleSettings;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a node's configuration decides about the shared jobs, as hashes: per tenant its users,
 * groups, rules, the sync timing and the unit size (what its jobs, units and publishes follow from;
 * never a secret, a credential or a publisher), and over all tenants one hash for the whole. Two
 * nodes with equal hashes decide the same.
 *
 * @param hash    the whole configuration's
 * @param tenants each configured tenant's, by name
 */
public record ConfigFingerprint(String hash, Map<String, String> tenants) {

    public ConfigFingerprint {
        tenants = Map.copyOf(tenants);
    }

    public static ConfigFingerprint of(List<TenantSetup> tenants, SyncTiming timing, int unitSize) {
        Map<String, String> byName = new TreeMap<>();
        for (TenantSetup t : tenants) byName.put(t.name(), sha256(describe(t, timing, unitSize)));
        StringBuilder whole = new StringBuilder();
        byName.forEach((name, hash) -> whole.append(name).append('=').append(hash).append('\n'));
        return new ConfigFingerprint(sha256(whole.toString()), byName);
    }

    /** One line per setting, in a fixed order; sets sorted, lists in their configured order (it decides units). */
    private static String describe(TenantSetup t, SyncTiming timing, int unitSize) {
        RuleSettings rules = t.rules().settings();
        return String.join("\n", "tenant=" + t.name(), "users=" + t.users(), "groups=" + t.groups(),
                "tentative=" + rules.tentative(), "workingElsewhere=" + rules.workingElsewhere(),
                "autoReplies=" + rules.autoReplies(), "callActivities=" + rules.callActivities().stream().sorted().toList(),
                "calendarPollInterval=" + timing.calendarPollInterval(), "horizon=" + timing.horizon(),
                "userRefreshInterval=" + timing.userRefreshInterval(), "callStatePollInterval=" + timing.callStatePollInterval(),
                "unitSize=" + unitSize);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
