package io.presencesync.adapter.publisher;

import io.presencesync.adapter.config.PublisherConfig;
import io.presencesync.application.port.DeliveryListener;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.application.status.PublisherState;
import io.presencesync.testsupport.RedisTestServer;
import io.presencesync.testsupport.TcpGate;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static io.presencesync.testsupport.RedisPublisherConfigBuilder.aRedisPublisher;
import static io.presencesync.testsupport.Updates.update;
import static io.presencesync.testsupport.Updates.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 6's no-lost-update property across publishers: Redis goes away in the middle of a burst
 * of transitions (many users, several versions each); the embedded store keeps up all along, and
 * once Redis is back it holds every user's latest state.
 */
class NoLostUpdateTest {

    static final int USERS = 300;
    static final int VERSIONS = 6;

    @Test
    void aStoreOutageDuringABurstEndsWithEveryUsersLatestStateWhileTheOtherStoreIsUnaffected() throws Exception {
        String prefix = "presence-sync-test:" + UUID.randomUUID() + ":";
        URI redisUri = RedisTestServer.uri();
        EmbeddedPresenceStore embedded = new EmbeddedPresenceStore();
        try (TcpGate gate = new TcpGate(redisUri.getHost(), redisUri.getPort());
             RedisClient redis = RedisTestServer.client()) {
            PublisherConfig.Redis redisConfig = aRedisPublisher().at(URI.create("redis://127.0.0.1:" + gate.port())).withKeyPrefix(prefix).build();
            PublisherFanOut fanOut = PublisherFanOut.start(List.of(new PublisherConfig.Embedded(false), redisConfig), Map.of(),
                    Clock.systemUTC(), embedded, DeliveryListener.NONE, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
            try {
                int[] version = new int[USERS];
                for (int round = 1; round <= VERSIONS; round++) {
                    if (round == 3) gate.cut();
                    for (int i = 0; i < USERS; i++) {
                        // Users change at different paces: some skip versions, all end at VERSIONS.
                        if (round < VERSIONS && ThreadLocalRandom.current().nextInt(3) == 0) continue;
                        version[i] = round;
                        fanOut.publish(update(i, round));
                    }
                    if (round == 3) await("the outage seen").until(() -> !health(fanOut, "redis").healthy());
                }
                // The embedded store has every latest state while Redis is still down.
                await("embedded store current").until(() -> allLatest(i -> embedded.get("contoso", user(i).id())
                        .map(e -> e.event().version()).orElse(-1L)));
                assertThat(health(fanOut, "redis").healthy()).isFalse();
                assertThat(health(fanOut, "redis").pending()).isPositive().isLessThanOrEqualTo(USERS);
                assertThat(health(fanOut, "embedded").healthy()).isTrue();

                gate.restore();
                await("Redis converged").atMost(Duration.ofSeconds(30)).until(() -> allLatest(i -> {
                    String v = redis.hget(prefix + "contoso:presence:" + user(i).id(), "version");
                    return v == null ? -1L : Long.parseLong(v);
                }));
                for (int i = 0; i < USERS; i++) {
                    PresenceUpdate latest = update(i, VERSIONS);
                    assertThat(redis.hget(prefix + "contoso:presence:" + user(i).id(), "state")).isEqualTo(latest.presence().state().name());
                }
                await("nothing pending").until(() -> health(fanOut, "redis").pending() == 0);
                assertThat(health(fanOut, "redis").healthy()).isTrue();
            } finally {
                fanOut.close();
                for (String key : redis.keys(prefix + "*")) redis.del(key);
            }
        }
    }

    static boolean allLatest(java.util.function.IntToLongFunction stored) {
        for (int i = 0; i < USERS; i++) if (stored.applyAsLong(i) != update(i, VERSIONS).version()) return false;
        return true;
    }

    static PublisherState health(PublisherFanOut fanOut, String name) {
        return fanOut.health().stream().filter(h -> h.name().equals(name)).findFirst().orElseThrow();
    }
}
