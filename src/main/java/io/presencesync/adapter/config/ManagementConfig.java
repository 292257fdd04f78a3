package io.presencesync.adapter.config;

/**
 * The management HTTP server: health, readiness and metrics, without authentication, for the kubelet
 * and Prometheus. The status page and the store API are on the API server ({@link ApiConfig}).
 *
 * @param bindAddress the address to listen on (0.0.0.0 for all, 127.0.0.1 for this machine only)
 * @param port        the TCP port; 0 picks a free one (tests)
 */
public record ManagementConfig(String bindAddress, int port) {
    public static final ManagementConfig DEFAULTS = new ManagementConfig("0.0.0.0", 8080);
}
