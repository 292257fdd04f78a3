package io.presencesync.adapter.publisher;

import io.presencesync.adapter.config.PublisherConfig;
import io.presencesync.application.SyncTiming;
import io.presencesync.application.TenantPorts;
import io.presencesync.application.UnitState;
import io.presencesync.application.UnitSync;
import io.presencesync.application.port.DeliveryListener;
import io.presencesync.application.port.PresencePublisher;
import io.presencesync.application.port.SourceResult;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.FreeBusyStatus;
import io.presencesync.rules.PresenceRules;
import io.presencesync.rules.RuleSettings;
import io.presencesync.testsupport.RedisTestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.presencesync.testsupport.RedisPublisherConfigBuilder.aRedisPublisher;
import static io.presencesync.testsupport.SyncTimingBuilder.aSyncTiming;
import static io.presencesync.testsupport.TenantPortsBuilder.ports;
import static io.presencesync.testsupport.Updates.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A unit moves between nodes (a rolling update, a node that died): the node that runs it now keeps
 * its users' keys alive in a real Redis, though its own outbox never wrote them.
 */
class UnitMoveRenewalTest {

    static final Duration TTL = Duration.ofSeconds(2);
    final String prefix = "presence-sync-test:" + UUID.randomUUID() + ":";
    final RedisClient redis = RedisTestServer.client();
    final Clock clock = Clock.systemUTC();
    final Instant now = clock.instant();
    final SyncTiming timing = aSyncTiming().withCalendarPollInterval(Duration.ofMillis(300)).build();

    PublisherOutbox node(String name) {
        PublisherConfig.Redis config = aRedisPublisher().withKeyPrefix(prefix).withTtl(TTL)
                .withDelivery(new PublisherConfig.Delivery(Duration.ofMillis(500), Duration.ofMillis(10), Duration.ofMillis(50))).build();
        return new PublisherOutbox(name, new RedisPublisher(config, Map.of()), config.delivery(), true, 1, clock, DeliveryListener.NONE);
    }

    UnitSync sync(UnitState state, PresencePublisher publisher) {
        // User 1 is on leave all day: nothing changes, only renewals keep the key.
        List<FreeBusyItem> leave = List.of(new FreeBusyItem(now.minusSeconds(3600), now.plusSeconds(8 * 3600), FreeBusyStatus.OOF));
        TenantPorts ports = ports().withCalendars((users, from, to) -> Map.of(user(1).id(), new SourceResult.Ok<>(leave)))
                .publishingTo(publisher).build();
        UnitSync sync = new UnitSync("contoso", state, ports, new PresenceRules(RuleSettings.DEFAULTS), clock, timing);
        sync.members(List.of(user(1)));
        return sync;
    }

    String key() { return prefix + "contoso:presence:" + user(1).id(); }

    @AfterEach
    void cleanUp() {
        for (String key : redis.keys(prefix + "*")) redis.del(key);
        redis.close();
    }

    @Test
    void theNodeThatRunsAUnitNowRenewsItsUsersKeys() {
        UnitState state = new UnitState();
        PublisherOutbox a = node("node-a");
        sync(state, a).pollCalendars();
        a.close(Duration.ofSeconds(2)); // node a wrote AWAY and stopped
        assertThat(redis.hget(key(), "state")).isEqualTo("AWAY");
        String version = redis.hget(key(), "version");

        PublisherOutbox b = node("node-b");
        try {
            // Real time passes on purpose: Redis expires the key by its own clock unless node b renews it.
            // At every calendar poll node b runs the unit with the state it carried over, and the key is
            // there for three TTLs in a row (less than a TTL to spare: a key that was gone on the way fails).
            await("the key kept alive by node b").during(TTL.multipliedBy(3)).atMost(TTL.multipliedBy(3).plusMillis(1500))
                    .pollInterval(timing.calendarPollInterval()).until(() -> {
                        sync(state, b).pollCalendars();
                        return "AWAY".equals(redis.hget(key(), "state"));
                    });
            assertThat(redis.hget(key(), "state")).as("three TTLs later the key is still there").isEqualTo("AWAY");
            assertThat(redis.hget(key(), "version")).as("renewed, not re-versioned").isEqualTo(version);
            assertThat(redis.xlen(prefix + "changes")).as("a renewal is no change").isEqualTo(1);
        } finally {
            b.close(Duration.ofSeconds(1));
        }
    }
}
