package io.presencesync.application.port;

/** Pushes event presence changes to a presence store. */
public interface PresencePublisher {

    /** A change of the user's event presence, with a version above any before it. */
    void publish(PresenceUpdate update);

    /**
     * The user's current, already published state, named again by the node that runs the user's
     * unit: a store that can lose data or expire it gets it again when due. Nothing for a store that
     * keeps what it was given.
     */
    default void renew(PresenceUpdate current) {}
}
