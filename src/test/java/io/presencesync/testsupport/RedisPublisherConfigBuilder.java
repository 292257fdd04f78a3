package io.presencesync.testsupport;

import io.presencesync.adapter.config.PublisherConfig;

import java.net.URI;
import java.time.Duration;

/**
 * Test data: a Redis publisher on the {@link RedisTestServer} that retries within milliseconds,
 * {@code aRedisPublisher().withKeyPrefix(prefix).withTtl(…).build()}. Its stream is the prefix's {@code changes}.
 */
public final class RedisPublisherConfigBuilder {

    private URI uri;
    private String keyPrefix = "presence-sync-test:";
    private Duration ttl = Duration.ofMinutes(30);
    private Duration timeout = Duration.ofSeconds(1);
    private PublisherConfig.Delivery delivery = new PublisherConfig.Delivery(Duration.ofMinutes(10), Duration.ofMillis(10), Duration.ofMillis(50));

    private RedisPublisherConfigBuilder() {}

    public static RedisPublisherConfigBuilder aRedisPublisher() { return new RedisPublisherConfigBuilder(); }

    /** Another server than the test server, e.g. a gate in front of it or a closed port. */
    public RedisPublisherConfigBuilder at(URI other) {
        uri = other;
        return this;
    }

    public RedisPublisherConfigBuilder withKeyPrefix(String prefix) {
        keyPrefix = prefix;
        return this;
    }

    public RedisPublisherConfigBuilder withTtl(Duration keyTtl) {
        ttl = keyTtl;
        return this;
    }

    public RedisPublisherConfigBuilder withTimeout(Duration commandTimeout) {
        timeout = commandTimeout;
        return this;
    }

    public RedisPublisherConfigBuilder withDelivery(PublisherConfig.Delivery outboxDelivery) {
        delivery = outboxDelivery;
        return this;
    }

    public PublisherConfig.Redis build() {
        return new PublisherConfig.Redis("redis", uri == null ? RedisTestServer.uri() : uri, null, null, keyPrefix, ttl,
                keyPrefix + "changes", 1000, Duration.ofSeconds(1), timeout, delivery);
    }
}
