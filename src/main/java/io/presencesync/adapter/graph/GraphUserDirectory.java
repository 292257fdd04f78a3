package io.presencesync.adapter.graph;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.ApiException;
import io.presencesync.application.port.SourceResult;
import io.presencesync.application.port.UserDirectory;
import io.presencesync.domain.User;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Resolves UPNs, addresses or object ids through {@code GET /users/{ref}} (id for presence, address for free/busy). */
public final class GraphUserDirectory implements UserDirectory {

    private final GraphServiceClient graph;

    public GraphUserDirectory(GraphServiceClient graph) {
        this.graph = graph;
    }

    @Override
    public Map<String, SourceResult<User>> resolve(List<String> references) {
        Map<String, SourceResult<User>> results = new HashMap<>();
        for (String ref : references) results.put(ref, lookUp(ref));
        return results;
    }

    private SourceResult<User> lookUp(String ref) {
        try {
            var u = graph.users().byUserId(ref).get(rc -> rc.queryParameters.select = new String[] {"id", "mail", "userPrincipalName"});
            String address = u == null ? null : u.getMail() != null ? u.getMail() : u.getUserPrincipalName();
            if (u == null || u.getId() == null || address == null) {
                return new SourceResult.UserError<>("NoAddress", "the directory has no id or address for " + ref);
            }
            return new SourceResult.Ok<>(new User(u.getId(), address));
        } catch (RuntimeException e) {
            if (e instanceof ApiException a && a.getResponseStatusCode() == 404) {
                return new SourceResult.UserError<>("NotFound", "no such user in the directory: " + GraphErrors.describe(e));
            }
            return new SourceResult.Unavailable<>(GraphErrors.describe(e));
        }
    }
}
