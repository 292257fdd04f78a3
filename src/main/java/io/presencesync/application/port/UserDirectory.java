package io.presencesync.application.port;

import io.presencesync.domain.User;

import java.util.List;
import java.util.Map;

/** Finds the users behind configured references (UPN, address or object id) and the users in groups. */
public interface UserDirectory {

    /**
     * Keyed by reference; every reference gets a result: the user, a definitive error (not found),
     * or Unavailable when the lookup itself failed and should be tried again.
     */
    Map<String, SourceResult<User>> resolve(List<String> references);

    /**
     * Keyed by group object id; every group gets a result: all its transitive members that are users
     * (each with id and address), a definitive error (group not found, permission missing), or
     * Unavailable when reading it failed and should be tried again. Ok means the whole membership was read.
     */
    Map<String, SourceResult<List<User>>> groupMembers(List<String> groupIds);
}
