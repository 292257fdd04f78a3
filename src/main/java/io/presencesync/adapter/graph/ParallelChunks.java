package io.presencesync.adapter.graph;

import io.presencesync.application.port.SourceResult;
import io.presencesync.domain.User;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Sends a source's requests, one per chunk of items (users, references), a bounded number at a
 * time: thousands of sequential requests could not finish within a poll. A chunk whose request
 * throws makes only its own items unavailable.
 */
final class ParallelChunks {

    private static final Duration IDLE = Duration.ofSeconds(30);

    private final ExecutorService pool;

    ParallelChunks(String name, int parallelism) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(parallelism, parallelism, IDLE.toSeconds(), TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, name + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        // Threads exist only while a poll runs: idle ones end instead of piling up per source.
        executor.allowCoreThreadTimeOut(true);
        this.pool = executor;
    }

    /** Users are keyed by their id. */
    <R> Map<String, SourceResult<R>> run(List<User> users, int chunkSize, Function<List<User>, Map<String, SourceResult<R>>> request) {
        return run(users, User::id, chunkSize, request);
    }

    <T, R> Map<String, SourceResult<R>> run(List<T> items, Function<T, String> key, int chunkSize,
                                            Function<List<T>, Map<String, SourceResult<R>>> request) {
        List<List<T>> chunks = new ArrayList<>();
        for (int i = 0; i < items.size(); i += chunkSize) chunks.add(items.subList(i, Math.min(items.size(), i + chunkSize)));
        if (chunks.isEmpty()) return new HashMap<>();
        if (chunks.size() == 1) return request.apply(chunks.get(0));
        List<Future<Map<String, SourceResult<R>>>> futures = new ArrayList<>();
        for (List<T> chunk : chunks) futures.add(pool.submit(() -> request.apply(chunk)));
        Map<String, SourceResult<R>> results = new HashMap<>();
        for (int i = 0; i < chunks.size(); i++) {
            try {
                results.putAll(futures.get(i).get());
            } catch (ExecutionException e) {
                String why = "request failed: " + GraphErrors.describe(e.getCause());
                for (T item : chunks.get(i)) results.put(key.apply(item), new SourceResult.Unavailable<>(why));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                futures.forEach(f -> f.cancel(true));
                for (T item : items) results.putIfAbsent(key.apply(item), new SourceResult.Unavailable<>("interrupted (shutting down)"));
                break;
            }
        }
        return results;
    }
}
