package io.presencesync.adapter.config;

/**
 * How the service talks to one tenant's Graph.
 *
 * @param schedulesPerRequest users asked for in one getSchedule request (Graph documents 20; its
 *                            server rejects more than 100); 20 such requests go in one {@code $batch}
 */
public record GraphSettings(int schedulesPerRequest) {

    public static final int DEFAULT_SCHEDULES_PER_REQUEST = 20;
    public static final int MAX_SCHEDULES_PER_REQUEST = 100;
    public static final GraphSettings DEFAULTS = new GraphSettings(DEFAULT_SCHEDULES_PER_REQUEST);

    public GraphSettings {
        if (schedulesPerRequest < 1 || schedulesPerRequest > MAX_SCHEDULES_PER_REQUEST) {
            throw new IllegalArgumentException("schedulesPerRequest must be 1 to " + MAX_SCHEDULES_PER_REQUEST + ", not " + schedulesPerRequest);
        }
    }
}
