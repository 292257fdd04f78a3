package io.presencesync.adapter.graph;

import com.microsoft.graph.models.UserCollectionResponse;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.ApiException;
import io.presencesync.application.port.SourceResult;
import io.presencesync.application.port.UserDirectory;
import io.presencesync.domain.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves UPNs, addresses or object ids through {@code GET /users/{ref}} (id for presence, address
 * for free/busy), and reads groups' transitive user members through
 * {@code GET /groups/{id}/transitiveMembers/graph.user}, following every page.
 */
final class GraphUserDirectory implements UserDirectory {

    /** The application permission reading group memberships needs. */
    static final String GROUP_PERMISSION = "GroupMember.Read.All";
    private static final String[] SELECT = {"id", "mail", "userPrincipalName", "displayName"};
    /** One lookup per user: a long list is looked up this many at a time (a group needs none of it). */
    static final int PARALLEL_LOOKUPS = 8;
    static final int LOOKUPS_PER_TASK = 25;
    private static final Logger log = LoggerFactory.getLogger(GraphUserDirectory.class);

    private final GraphServiceClient graph;
    private final GraphCalls calls;
    private final String graphBaseUrl;
    private final ParallelChunks parallel = new ParallelChunks("userLookup", PARALLEL_LOOKUPS);

    /**
     * @param calls        the tenant's one retry layer and circuit breaker
     * @param graphBaseUrl the tenant's Graph endpoint: a next-page link must lie beneath it
     */
    GraphUserDirectory(GraphServiceClient graph, GraphCalls calls, String graphBaseUrl) {
        this.graph = graph;
        this.calls = calls;
        this.graphBaseUrl = graphBaseUrl;
    }

    @Override
    public Map<String, SourceResult<User>> resolve(List<String> references) {
        return parallel.run(references, ref -> ref, LOOKUPS_PER_TASK, chunk -> {
            Map<String, SourceResult<User>> results = new HashMap<>();
            for (String ref : chunk) results.put(ref, lookUp(ref));
            return results;
        });
    }

    private SourceResult<User> lookUp(String ref) {
        try {
            var u = calls.call("directory", () -> graph.users().byUserId(ref).get(rc -> rc.queryParameters.select = SELECT));
            String address = u == null ? null : u.getMail() != null ? u.getMail() : u.getUserPrincipalName();
            if (u == null || u.getId() == null || address == null) {
                return new SourceResult.UserError<>("NoAddress", "the directory has no id or address for " + ref);
            }
            return new SourceResult.Ok<>(new User(u.getId(), address, u.getDisplayName()));
        } catch (RuntimeException e) {
            if (e instanceof ApiException a && a.getResponseStatusCode() == 404) {
                return new SourceResult.UserError<>("NotFound", "no such user in the directory: " + GraphErrors.describe(e));
            }
            return new SourceResult.Unavailable<>(GraphErrors.describe(e));
        }
    }

    @Override
    public Map<String, SourceResult<List<User>>> groupMembers(List<String> groupIds) {
        Map<String, SourceResult<List<User>>> results = new HashMap<>();
        for (String group : groupIds) results.put(group, members(group));
        return results;
    }

    /**
     * A next-page link is followed only beneath the Graph base URL (same scheme, host and port, and
     * path prefix), so a response can never make the service call another host with its token.
     */
    boolean beneathGraph(String link) {
        URI url;
        try {
            url = new URI(link).normalize();
        } catch (URISyntaxException e) {
            return false;
        }
        URI base = URI.create(graphBaseUrl + "/");
        return url.getRawUserInfo() == null && base.getScheme().equalsIgnoreCase(String.valueOf(url.getScheme()))
                && base.getHost().equalsIgnoreCase(String.valueOf(url.getHost())) && base.getPort() == url.getPort()
                && String.valueOf(url.getRawPath()).startsWith(base.getRawPath());
    }

    private static String host(String link) {
        try {
            return String.valueOf(new URI(link).getHost());
        } catch (URISyntaxException e) {
            return "a malformed URL";
        }
    }

    /**
     * All pages or nothing: a membership read only in part must not make the rest look like leavers.
     * Every page is a request of its own through {@link GraphCalls}, so a throttled later page is
     * retried and its Retry-After held like any other.
     */
    private SourceResult<List<User>> members(String group) {
        try {
            var members = graph.groups().byGroupId(group).transitiveMembers().graphUser();
            UserCollectionResponse page = calls.call("directory", () -> members.get(rc -> {
                rc.queryParameters.select = SELECT;
                rc.queryParameters.top = 999;
            }));
            List<User> users = new ArrayList<>();
            for (int n = 1; ; n++) {
                if (page == null) return new SourceResult.Unavailable<>("reading the members failed: page " + n + " had no body");
                for (var u : page.getValue() == null ? List.<com.microsoft.graph.models.User>of() : page.getValue()) {
                    String address = u.getMail() != null ? u.getMail() : u.getUserPrincipalName();
                    if (u.getId() == null || address == null) {
                        log.warn("group {}: member {} has neither mail nor userPrincipalName; skipped", group, u.getId());
                    } else {
                        users.add(new User(u.getId(), address, u.getDisplayName()));
                    }
                }
                String next = page.getOdataNextLink();
                if (next == null) return new SourceResult.Ok<>(users);
                if (!beneathGraph(next)) {
                    return new SourceResult.Unavailable<>("reading the members failed: page " + n + " links to " + host(next)
                            + ", which is not the tenant's Graph endpoint " + graphBaseUrl + "; the link was not followed");
                }
                page = calls.call("directory", () -> members.withUrl(next).get());
            }
        } catch (RuntimeException e) {
            int status = e instanceof ApiException a ? a.getResponseStatusCode() : 0;
            if (status == 403) {
                return new SourceResult.UserError<>("Forbidden", "reading the group's members needs the application permission "
                        + GROUP_PERMISSION + " (granted by an admin): " + GraphErrors.describe(e));
            }
            if (status == 404) {
                return new SourceResult.UserError<>("NotFound", "no such group in the directory: " + GraphErrors.describe(e));
            }
            return new SourceResult.Unavailable<>(GraphErrors.describe(e));
        }
    }
}
