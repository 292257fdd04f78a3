package io.presencesync.adapter.config;

/** A presence store to publish to. */
public sealed interface PublisherConfig {

    /** The embedded in-memory presence store; {@code log} prints every change as one line. */
    record Embedded(boolean log) implements PublisherConfig {}
}
