package io.presencesync.adapter.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class GraphCloudTest {

    @Test
    void nationalCloudsUseTheirDocumentedGraphEndpointsAuthoritiesAndScopes() {
        assertThat(GraphCloud.values()).extracting(GraphCloud::graphBaseUrl, GraphCloud::authorityHost, GraphCloud::scope).containsExactly(
                tuple("https://graph.microsoft.com/v1.0", "https://login.microsoftonline.com", "https://graph.microsoft.com/.default"),
                tuple("https://graph.microsoft.us/v1.0", "https://login.microsoftonline.us", "https://graph.microsoft.us/.default"),
                tuple("https://dod-graph.microsoft.us/v1.0", "https://login.microsoftonline.us", "https://dod-graph.microsoft.us/.default"),
                tuple("https://microsoftgraph.chinacloudapi.cn/v1.0", "https://login.chinacloudapi.cn",
                        "https://microsoftgraph.chinacloudapi.cn/.default"));
    }
}
