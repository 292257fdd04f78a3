package io.presencesync.application.status;

import java.time.Instant;

/**
 * One federation link (the XMPP component, named by its domain) as last seen, for the status page and metrics.
 *
 * @param state       connected, connecting, disconnected, or standby (in a cluster another node holds the link)
 * @param since       when it entered this state
 * @param problem     why the last connection ended or failed, while not connected; else null
 * @param subscribers subscriptions held (contacts × their subscribers)
 * @param stanzasOut  stanzas sent since the start
 * @param reconnects  connections made after the first
 * @param waiting     contacts whose presence still waits to be sent
 */
public record FederationState(String name, String state, Instant since, String problem, int subscribers, long stanzasOut,
                              long reconnects, int waiting) {

    public static final String CONNECTED = "connected";
    public static final String CONNECTING = "connecting";
    public static final String DISCONNECTED = "disconnected";
    public static final String STANDBY = "standby";

    /** Connected, or on standby as a cluster wants it: nothing for an admin to do. */
    public boolean healthy() { return CONNECTED.equals(state) || STANDBY.equals(state); }
}
