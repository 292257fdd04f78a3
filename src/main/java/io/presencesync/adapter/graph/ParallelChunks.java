package io.presencesync.adapter.graph;

import io.presencesync.application.port.SourceResult;
import io.presencesync.domain.User;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Sends a source's requests, one per chunk of users, a bounded number at a time: thousands of
 * sequential requests could not finish within a poll. A chunk whose request throws makes only its
 * own users unavailable.
 */
final class ParallelChunks {

    private final ExecutorService pool;

    ParallelChunks(String name, int parallelism) {
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    <R> Map<String, SourceResult<R>> run(List<User> users, int chunkSize, Function<List<User>, Map<String, SourceResult<R>>> request) {
        List<List<User>> chunks = new ArrayList<>();
        for (int i = 0; i < users.size(); i += chunkSize) chunks.add(users.subList(i, Math.min(users.size(), i + chunkSize)));
        if (chunks.size() == 1) return request.apply(chunks.get(0));
        List<Future<Map<String, SourceResult<R>>>> futures = new ArrayList<>();
        for (List<User> chunk : chunks) futures.add(pool.submit(() -> request.apply(chunk)));
        Map<String, SourceResult<R>> results = new HashMap<>();
        for (int i = 0; i < chunks.size(); i++) {
            try {
                results.putAll(futures.get(i).get());
            } catch (ExecutionException e) {
                String why = "request failed: " + GraphErrors.describe(e.getCause());
                for (User u : chunks.get(i)) results.put(u.id(), new SourceResult.Unavailable<>(why));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                futures.forEach(f -> f.cancel(true));
                for (User u : users) results.putIfAbsent(u.id(), new SourceResult.Unavailable<>("interrupted (shutting down)"));
                break;
            }
        }
        return results;
    }
}
