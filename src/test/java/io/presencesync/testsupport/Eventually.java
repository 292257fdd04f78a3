package io.presencesync.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits briefly for something another thread does; fails naming what did not happen. */
public final class Eventually {

    private Eventually() {}

    public static void await(String what, BooleanSupplier condition) {
        await(what, condition, Duration.ofSeconds(10), () -> "");
    }

    public static void await(String what, BooleanSupplier condition, Duration timeout, Supplier<?> state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within " + timeout + ": " + what + " " + state.get());
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what);
            }
        }
    }
}
