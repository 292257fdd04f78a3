package io.presencesync.adapter.graph;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import io.presencesync.domain.User;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/** Resolves configured UPNs, addresses or object ids to users (id for presence, address for free/busy). */
public final class GraphUserDirectory {

    private static final Logger log = LoggerFactory.getLogger(GraphUserDirectory.class);

    private final String tenant;
    private final GraphServiceClient graph;

    public GraphUserDirectory(String tenant, GraphServiceClient graph) {
        this.tenant = tenant;
        this.graph = graph;
    }

    /** Users that cannot be resolved are reported and left out; the others are returned. */
    public List<User> resolve(List<String> references) {
        List<User> users = new ArrayList<>();
        for (String ref : references) {
            try {
                var u = graph.users().byUserId(ref).get(rc -> rc.queryParameters.select = new String[] {"id", "mail", "userPrincipalName"});
                String address = u.getMail() != null ? u.getMail() : u.getUserPrincipalName();
                if (u.getId() == null || address == null) {
                    log.error("tenant {}: user {} has no id or address in the directory; not synchronised", tenant, ref);
                    continue;
                }
                users.add(new User(u.getId(), address));
            } catch (RuntimeException e) {
                log.error("tenant {}: user {} cannot be resolved: {}; not synchronised", tenant, ref, GraphErrors.describe(e));
            }
        }
        return users;
    }
}
