package io.presencesync.application.explain;

/** Explains a synchronised user by tenant and object id or address. */
@FunctionalInterface
public interface UserExplainer {

    /** @throws IllegalArgumentException for a tenant that is not configured */
    ServiceExplainer.Answer explain(String tenant, String idOrAddress);
}
