package io.presencesync.adapter.publisher;

import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.application.port.WriteResult;
import io.presencesync.domain.EventPresence;
import io.presencesync.testsupport.RedisTestServer;
import io.presencesync.testsupport.Updates;
import io.presencesync.testsupport.TcpGate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.resps.StreamEntry;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.presencesync.testsupport.RedisPublisherConfigBuilder.aRedisPublisher;
import static io.presencesync.testsupport.Updates.update;
import static io.presencesync.testsupport.Updates.user;
import static org.assertj.core.api.Assertions.assertThat;

/** Against a real Redis (the machine's, or an embedded one): each test under its own key prefix. */
class RedisPublisherTest {

    final String prefix = "presence-sync-test:" + UUID.randomUUID() + ":";
    final RedisClient redis = RedisTestServer.client();
    RedisPublisher publisher;

    @BeforeEach
    void start() {
        publisher = new RedisPublisher(aRedisPublisher().withKeyPrefix(prefix).build(), Map.of());
    }

    @AfterEach
    void cleanUp() {
        publisher.close();
        for (String key : redis.keys(prefix + "*")) redis.del(key);
        redis.close();
    }

    String key(int user) { return prefix + "contoso:presence:" + user(user).id(); }

    @Test
    void aChangeIsOneHashPerUserWithATtlAndOneStreamEntry() {
        PresenceUpdate u = update(1, 1);
        assertThat(publisher.write(u)).isInstanceOf(WriteResult.Written.class);
        assertThat(redis.hgetAll(key(1))).containsExactlyInAnyOrderEntriesOf(Map.of(
                "tenant", "contoso", "userId", user(1).id(), "upn", "user1@contoso.com", "state", "BUSY", "reason", "CALENDAR_BUSY",
                "since", u.presence().since().toString(), "until", u.presence().until().toString(), "version", Long.toString(u.version())));
        assertThat(redis.pttl(key(1))).isBetween(Duration.ofMinutes(29).toMillis(), Duration.ofMinutes(30).toMillis());
        List<StreamEntry> stream = redis.xrange(prefix + "changes", "-", "+");
        assertThat(stream).singleElement().satisfies(e -> assertThat(e.getFields()).isEqualTo(redis.hgetAll(key(1))));
    }

    @Test
    void clearingLeavesStateNoneWithoutReasonOrEnd() {
        publisher.write(update(1, 1));
        assertThat(publisher.write(update(1, 2))).isInstanceOf(WriteResult.Written.class);
        Map<String, String> hash = redis.hgetAll(key(1));
        assertThat(hash).containsEntry("state", "NONE").doesNotContainKeys("reason", "until");
        assertThat(redis.xlen(prefix + "changes")).isEqualTo(2);
    }

    @Test
    void aClearedUsersKeyKeepsItsVersionUntilItsTtlRunsOut() {
        publisher.write(update(1, 1));
        publisher.write(update(1, 2));
        // The outbox does not renew a NONE: the key expires after ttl, and until then an older write (another node's) is stale.
        assertThat(redis.pttl(key(1))).isBetween(Duration.ofMinutes(29).toMillis(), Duration.ofMinutes(30).toMillis());
        assertThat(publisher.write(update(1, 1))).isInstanceOf(WriteResult.Stale.class);
        assertThat(redis.hget(key(1), "state")).isEqualTo("NONE");
    }

    @Test
    void anOlderVersionIsIgnoredAndReportedAsStale() {
        publisher.write(update(1, 3));
        WriteResult r = publisher.write(update(1, 2));
        assertThat(r).isInstanceOf(WriteResult.Stale.class);
        assertThat(((WriteResult.Stale) r).detail()).contains(Long.toString(update(1, 3).version()));
        assertThat(redis.hget(key(1), "version")).isEqualTo(Long.toString(update(1, 3).version()));
        assertThat(redis.xlen(prefix + "changes")).isEqualTo(1);
    }

    @Test
    void versionsAreComparedExactlyBeyondDoublePrecision() {
        PresenceUpdate big = new PresenceUpdate("contoso", user(1), EventPresence.none(Updates.T0, null), 9_007_199_254_740_993L);
        PresenceUpdate bigger = new PresenceUpdate("contoso", user(1), EventPresence.none(Updates.T0, null), 9_007_199_254_740_994L);
        publisher.write(bigger);
        assertThat(publisher.write(big)).isInstanceOf(WriteResult.Stale.class);
    }

    @Test
    void aRepublishOfTheSameVersionRenewsTheTtlWithoutAStreamEntry() {
        publisher.write(update(1, 1));
        redis.pexpire(key(1), 1000);
        assertThat(publisher.write(update(1, 1))).isInstanceOf(WriteResult.Written.class);
        assertThat(redis.pttl(key(1))).isGreaterThan(Duration.ofMinutes(29).toMillis());
        assertThat(redis.xlen(prefix + "changes")).isEqualTo(1);
    }

    @Test
    void theScriptIsLoadedAgainAfterTheServerForgotIt() {
        publisher.write(update(1, 1));
        // SCRIPT FLUSH would touch other users of this Redis: a fresh publisher starts without the script's sha.
        try (RedisPublisher other = new RedisPublisher(aRedisPublisher().withKeyPrefix(prefix).build(), Map.of())) {
            assertThat(other.write(update(1, 2))).isInstanceOf(WriteResult.Written.class);
        }
    }

    @Test
    void aKeyOfAnotherTypeIsAPermanentErrorForThatUserOnly() {
        redis.set(key(1), "not a hash");
        assertThat(publisher.write(update(1, 1))).isInstanceOf(WriteResult.Rejected.class);
        assertThat(publisher.write(update(2, 1))).isInstanceOf(WriteResult.Written.class);
    }

    @Test
    void anUnreachableRedisIsRetriedAndTheSameClientWorksWhenItIsBack() throws Exception {
        try (TcpGate gate = new TcpGate(RedisTestServer.uri().getHost(), RedisTestServer.uri().getPort());
             RedisPublisher gated = new RedisPublisher(aRedisPublisher().at(URI.create("redis://127.0.0.1:" + gate.port()))
                     .withKeyPrefix(prefix).build(), Map.of())) {
            assertThat(gated.write(update(1, 1))).isInstanceOf(WriteResult.Written.class);
            gate.cut();
            WriteResult down = gated.write(update(1, 2));
            assertThat(down).isInstanceOf(WriteResult.Retry.class);
            assertThat(((WriteResult.Retry) down).error()).startsWith("Redis 127.0.0.1: ");
            gate.restore();
            WriteResult back = gated.write(update(1, 2));
            if (back instanceof WriteResult.Retry) back = gated.write(update(1, 2)); // a pooled connection broken by the cut
            assertThat(back).isInstanceOf(WriteResult.Written.class);
        }
    }

    @Test
    void aRedisDownAtStartIsRetriedLaterAndDoesNotStopTheService() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (RedisPublisher down = new RedisPublisher(aRedisPublisher().at(URI.create("redis://127.0.0.1:" + closedPort))
                .withKeyPrefix(prefix).build(), Map.of())) {
            assertThat(down.write(update(1, 1))).isInstanceOf(WriteResult.Retry.class);
        }
    }
}
