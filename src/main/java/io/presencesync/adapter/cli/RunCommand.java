package io.presencesync.adapter.cli;

import io.presencesync.adapter.config.AppConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "run", description = {
        "Synchronise the configured tenants until stopped (SIGTERM or Ctrl-C).",
        "Polls Microsoft Graph and publishes each presence change at its instant. The configuration is read "
                + "and validated completely first; an error there stops it before anything starts. On stop, "
                + "running polls finish before it exits."},
        exitCodeList = {"143:stopped by SIGTERM (130: by Ctrl-C), the JVM's codes for a stop by signal; running polls finished first",
                "1:runtime failure (e.g. the scheduler could not start)",
                "2:configuration error, named with its field (nothing was started)"})
final class RunCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Mixin
    ConfigOptions config;

    @Override
    public Integer call() throws Exception {
        AppConfig c = config.load();
        Clock clock = Clock.systemUTC();
        runUntilStopped(new ServiceRunner(c, config.env, clock, ServiceRunner.changeLines(System.out, clock)));
        return 0;
    }

    /**
     * Starts the service and blocks until the JVM is asked to stop; then stops the scheduler
     * (letting running jobs finish) and closes {@code alsoClose} afterwards.
     */
    static void runUntilStopped(ServiceRunner runner, AutoCloseable... alsoClose) throws Exception {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            long started = System.nanoTime();
            log.info("stopping: letting running sync units finish");
            try {
                runner.close();
                for (AutoCloseable c : alsoClose) c.close();
                log.info("stopped in {} ms", (System.nanoTime() - started) / 1_000_000);
            } catch (Exception e) {
                log.error("stopped with an error after {} ms", (System.nanoTime() - started) / 1_000_000, e);
            } finally {
                stopped.countDown();
            }
        }, "shutdown"));
        runner.start();
        stopped.await();
    }
}
