package io.presencesync.adapter.graph;

import com.microsoft.graph.communications.getpresencesbyuserid.GetPresencesByUserIdPostRequestBody;
import com.microsoft.graph.communications.getpresencesbyuserid.GetPresencesByUserIdPostResponse;
import com.microsoft.graph.models.Presence;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import io.presencesync.application.port.CallStateSource;
import io.presencesync.application.port.SourceResult;
import io.presencesync.domain.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Teams activity through {@code POST /communications/getPresencesByUserId}, 650 ids a request. */
public final class GraphCallStateSource implements CallStateSource {

    /** Graph's limit of ids per getPresencesByUserId request. */
    static final int IDS_PER_REQUEST = 650;
    /** What Graph reports for a user without Teams: no call. */
    static final String UNKNOWN_ACTIVITY = "PresenceUnknown";
    private static final Logger log = LoggerFactory.getLogger(GraphCallStateSource.class);

    private final String tenant;
    private final GraphServiceClient graph;

    public GraphCallStateSource(String tenant, GraphServiceClient graph) {
        this.tenant = tenant;
        this.graph = graph;
    }

    @Override
    public Map<String, SourceResult<String>> activities(List<User> users) {
        Map<String, SourceResult<String>> results = new HashMap<>();
        for (int i = 0; i < users.size(); i += IDS_PER_REQUEST) {
            results.putAll(request(users.subList(i, Math.min(users.size(), i + IDS_PER_REQUEST))));
        }
        return results;
    }

    private Map<String, SourceResult<String>> request(List<User> chunk) {
        Map<String, User> byId = new HashMap<>();
        for (User u : chunk) byId.put(u.id().toLowerCase(Locale.ROOT), u);
        Map<String, SourceResult<String>> results = new HashMap<>();
        try {
            GetPresencesByUserIdPostRequestBody body = new GetPresencesByUserIdPostRequestBody();
            body.setIds(chunk.stream().map(User::id).toList());
            GetPresencesByUserIdPostResponse response = graph.communications().getPresencesByUserId().post(body);
            List<Presence> presences = response == null || response.getValue() == null ? List.of() : response.getValue();
            for (Presence p : presences) {
                User user = p.getId() == null ? null : byId.get(p.getId().toLowerCase(Locale.ROOT));
                if (user == null) continue;
                String activity = p.getActivity() == null ? UNKNOWN_ACTIVITY : p.getActivity();
                results.put(user.id(), new SourceResult.Ok<>(activity));
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
