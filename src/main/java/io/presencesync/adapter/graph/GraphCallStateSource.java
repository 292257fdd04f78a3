package io.presencesync.adapter.graph;

import com.microsoft.graph.communications.getpresencesbyuserid.GetPresencesByUserIdPostRequestBody;
import com.microsoft.graph.communications.getpresencesbyuserid.GetPresencesByUserIdPostResponse;
import com.microsoft.graph.models.Presence;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.presencesync.application.port.CallStateSource;
import io.presencesync.application.port.SourceResult;
import io.presencesync.application.port.TeamsPresence;
import io.presencesync.domain.User;
import io.presencesync.rules.RuleSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Teams activity and automatic replies through {@code POST /communications/getPresencesByUserId},
 * 650 ids a request. Automatic replies come from the presence's outOfOfficeSettings: no extra
 * permission and no request per user (mailboxSettings would need MailboxSettings.Read and one each).
 */
final class GraphCallStateSource implements CallStateSource {

    /** Graph's limit of ids per getPresencesByUserId request. */
    static final int IDS_PER_REQUEST = 650;
    /** Presence requests in flight at once (1,500 are allowed per 30 s per tenant; 100,000 users need 154). */
    static final int PARALLEL_REQUESTS = 4;
    /** Graph's limit for getPresencesByUserId: 1,500 requests per 30 s per app and tenant (a request waits at most 5 s for a turn). */
    static final RateLimiterConfig GRAPH_LIMIT = RateLimiterConfig.custom()
            .limitForPeriod(1500).limitRefreshPeriod(Duration.ofSeconds(30)).timeoutDuration(Duration.ofSeconds(5)).build();
    /** What Graph reports for a user without Teams: no call. */
    static final String UNKNOWN_ACTIVITY = "PresenceUnknown";
    private static final Logger log = LoggerFactory.getLogger(GraphCallStateSource.class);

    private final String tenant;
    private final GraphServiceClient graph;
    private final GraphCalls calls;
    private final ParallelChunks parallel = new ParallelChunks("getPresences", PARALLEL_REQUESTS);
    private final Set<String> unknownActivities = ConcurrentHashMap.newKeySet();
    private final RateLimiter limit;

    /** @param calls the tenant's one retry layer and circuit breaker */
    GraphCallStateSource(String tenant, GraphServiceClient graph, GraphCalls calls) {
        this(tenant, graph, calls, GRAPH_LIMIT);
    }

    /** @param limit requests allowed per period; Graph's is {@link #GRAPH_LIMIT} per app and tenant */
    GraphCallStateSource(String tenant, GraphServiceClient graph, GraphCalls calls, RateLimiterConfig limit) {
        this.tenant = tenant;
        this.graph = graph;
        this.calls = calls;
        this.limit = RateLimiter.of("presence-" + tenant, limit);
    }

    @Override
    public Map<String, SourceResult<TeamsPresence>> presences(List<User> users) {
        return parallel.run(users, IDS_PER_REQUEST, this::request);
    }

    private static GetPresencesByUserIdPostRequestBody body(List<User> chunk) {
        GetPresencesByUserIdPostRequestBody body = new GetPresencesByUserIdPostRequestBody();
        body.setIds(chunk.stream().map(User::id).toList());
        return body;
    }

    private Map<String, SourceResult<TeamsPresence>> request(List<User> chunk) {
        Map<String, User> byId = new HashMap<>();
        for (User u : chunk) byId.put(u.id().toLowerCase(Locale.ROOT), u);
        Map<String, SourceResult<TeamsPresence>> results = new HashMap<>();
        try {
            // Throttled per app and tenant (1,500 requests per 30 s): one scope for all presence requests.
            // A fresh body for every attempt: an SDK model once serialised sends only its changed values again.
            GetPresencesByUserIdPostResponse response = calls.call("presence",
                    RateLimiter.decorateSupplier(limit, () -> graph.communications().getPresencesByUserId().post(body(chunk))));
            List<Presence> presences = response == null || response.getValue() == null ? List.of() : response.getValue();
            for (Presence p : presences) {
                User user = p.getId() == null ? null : byId.get(p.getId().toLowerCase(Locale.ROOT));
                if (user == null) continue;
                String activity = p.getActivity() == null ? UNKNOWN_ACTIVITY : p.getActivity();
                if (!RuleSettings.KNOWN_ACTIVITIES.contains(activity) && unknownActivities.add(activity)) {
                    log.warn("tenant {}: Graph reports a Teams activity not known to presence-sync: '{}' (treated as no call)", tenant, activity);
                }
                boolean outOfOffice = p.getOutOfOfficeSettings() != null && Boolean.TRUE.equals(p.getOutOfOfficeSettings().getIsOutOfOffice());
                results.put(user.id(), new SourceResult.Ok<>(new TeamsPresence(activity, outOfOffice)));
            }
        } catch (RuntimeException e) {
            String why = "getPresencesByUserId failed: " + GraphErrors.describe(e);
            log.warn("tenant {}: {} ({} users keep their last known call state)", tenant, why, chunk.size());
            for (User u : chunk) results.put(u.id(), new SourceResult.Unavailable<>(why));
        }
        for (User u : chunk) results.putIfAbsent(u.id(), new SourceResult.Unavailable<>("no presence returned for " + u.address()));
        return results;
    }
}
