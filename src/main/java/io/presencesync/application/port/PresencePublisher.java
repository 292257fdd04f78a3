package io.presencesync.application.port;

/** Pushes event presence changes to a presence store. */
public interface PresencePublisher {

    void publish(PresenceUpdate update);
}
