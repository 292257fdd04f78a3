package io.presencesync.adapter.graph;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import io.presencesync.adapter.config.TenantConfig;
import io.presencesync.application.port.CalendarSource;
import io.presencesync.application.port.CallStateSource;
import io.presencesync.application.port.UserDirectory;
import okhttp3.Interceptor;

import java.time.Clock;
import java.util.Map;

/**
 * One tenant's Graph: its client and the sources built on it, which share one {@link GraphCalls}:
 * one retry layer, one memory of Retry-After per scope and one circuit breaker per tenant, so a
 * tenant whose Graph is down opens one breaker for all of its requests, not one per source.
 */
public final class TenantGraph {

    private final GraphUserDirectory directory;
    private final GraphCalendarSource calendars;
    private final GraphCallStateSource callStates;

    TenantGraph(TenantConfig tenant, GraphServiceClient client, Clock clock) {
        GraphCalls calls = new GraphCalls(clock);
        this.directory = new GraphUserDirectory(client, calls, tenant.graphBaseUrl());
        this.calendars = new GraphCalendarSource(tenant.name(), client, tenant.graph(), calls);
        this.callStates = new GraphCallStateSource(tenant.name(), client, calls);
    }

    /**
     * Signs in with the tenant's credential (its secret read from {@code env}) and builds its client.
     *
     * @param clock     the time of token renewal and of every Retry-After and circuit-breaker decision
     * @param observers interceptors that watch every request (metrics); they must not change it
     */
    public static TenantGraph connect(TenantConfig tenant, Map<String, String> env, Clock clock, Interceptor... observers) {
        return new TenantGraph(tenant, GraphClients.create(tenant, GraphClients.credential(tenant, env), clock, observers), clock);
    }

    public UserDirectory directory() { return directory; }

    public CalendarSource calendars() { return calendars; }

    public CallStateSource callStates() { return callStates; }
}
