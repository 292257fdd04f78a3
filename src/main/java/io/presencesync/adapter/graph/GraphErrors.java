package io.presencesync.adapter.graph;

import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.kiota.ApiException;

/** Turns what a Graph call threw into one line for logs and user errors. */
final class GraphErrors {

    private GraphErrors() {}

    static String describe(Throwable e) {
        if (e instanceof ODataError o && o.getError() != null) {
            return "HTTP " + o.getResponseStatusCode() + " " + o.getError().getCode() + ": " + o.getError().getMessage();
        }
        if (e instanceof ApiException a && a.getResponseStatusCode() > 0) {
            return "HTTP " + a.getResponseStatusCode() + ": " + a.getMessage();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String message = root.getMessage() == null ? "" : ": " + root.getMessage();
        return root.getClass().getSimpleName() + message;
    }
}
