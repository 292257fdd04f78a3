package io.presencesync.application.port;

/**
 * Writes one update to one presence store, synchronously, on its outbox's worker thread, and says
 * what the store made of it. A runtime exception counts as {@link WriteResult.Retry}: the store is
 * treated as unreachable.
 */
public interface StoreWriter extends AutoCloseable {

    WriteResult write(PresenceUpdate update);

    @Override
    default void close() {}
}
