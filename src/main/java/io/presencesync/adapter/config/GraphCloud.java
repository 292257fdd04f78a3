package io.presencesync.adapter.config;

/**
 * A tenant's Microsoft cloud ({@code tenants[].cloud}): its Graph endpoint and its sign-in authority,
 * the defaults of {@code graphBaseUrl} and {@code authorityHost}. The token scope follows Graph.
 */
public enum GraphCloud {
    GLOBAL("https://graph.microsoft.com", "https://login.microsoftonline.com"),
    USGOV("https://graph.microsoft.us", "https://login.microsoftonline.us"),
    USGOV_DOD("https://dod-graph.microsoft.us", "https://login.microsoftonline.us"),
    CHINA("https://microsoftgraph.chinacloudapi.cn", "https://login.chinacloudapi.cn");

    private final String graphRoot;
    private final String authorityHost;

    GraphCloud(String graphRoot, String authorityHost) {
        this.graphRoot = graphRoot;
        this.authorityHost = authorityHost;
    }

    public String graphBaseUrl() { return graphRoot + "/v1.0"; }

    public String authorityHost() { return authorityHost; }

    /** The app-only scope: the Graph resource of this cloud with "/.default". */
    public String scope() { return graphRoot + "/.default"; }
}
