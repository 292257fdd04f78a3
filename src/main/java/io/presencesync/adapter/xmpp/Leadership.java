package io.presencesync.adapter.xmpp;

/**
 * Whether this node may hold the component connection. A single node always may; in a cluster
 * exactly one node at a time ({@link DatabaseLeadership}).
 */
interface Leadership extends AutoCloseable {

    /** Blocks until this node holds the leadership; false when interrupted or closed meanwhile. */
    boolean await();

    /** Whether this node still holds it (asked before and while connected); false gives it up for good until {@link #await}. */
    boolean held();

    /** Who holds it, for logs and the status page, when not this node; null when unknown. */
    default String holder() { return null; }

    @Override
    default void close() {}

    Leadership SINGLE_NODE = new Leadership() {
        @Override
        public boolean await() { return !Thread.currentThread().isInterrupted(); }

        @Override
        public boolean held() { return true; }
    };
}
