package io.presencesync.domain;

/**
 * A presence profile, set manually in the UC client: a period or duration text, reachability,
 * a status note and a call forwarding. Event presences never carry or apply one.
 *
 * @param callForwarding the forwarding target while the profile applies, or null
 */
public record Profile(String durationText, String reachability, String note, String callForwarding) {}
