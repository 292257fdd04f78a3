package io.presencesync.application.delivery;

import java.time.Duration;

/**
 * How long to wait after {@code failures} failed attempts in a row (1 for the first). Any jitter is
 * the implementation's, so a plan stepped in a test with a fixed backoff decides the same every time.
 */
@FunctionalInterface
public interface Backoff {

    Duration after(int failures);
}
