package io.presencesync.adapter.cli;

import io.presencesync.adapter.config.ApiConfig;
import io.presencesync.adapter.config.AppConfig;
import io.presencesync.adapter.config.ManagementConfig;
import io.presencesync.adapter.config.PublisherConfig;
import io.presencesync.adapter.demo.DemoCalendars;
import io.presencesync.adapter.demo.DemoCertificate;
import io.presencesync.adapter.demo.DemoGraphSimulator;
import io.presencesync.adapter.publisher.ChangeLine;
import io.presencesync.application.status.PublisherState;
import io.presencesync.testsupport.RedisTestServer;
import io.presencesync.testsupport.TestTls;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.presencesync.testsupport.AppConfigBuilder.startingFrom;
import static io.presencesync.testsupport.RedisPublisherConfigBuilder.aRedisPublisher;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** `run` wiring: the configured publishers all receive the presences, and stop with the service. */
class ServiceRunnerPublishersTest {

    @Test
    void everyConfiguredPublisherGetsThePresencesAndItsWorkerStopsOnClose() throws Exception {
        Clock clock = Clock.systemUTC();
        String prefix = "presence-sync-test:" + UUID.randomUUID() + ":";
        PublisherConfig.Redis redisConfig = aRedisPublisher().withKeyPrefix(prefix).withTimeout(Duration.ofSeconds(2))
                .withDelivery(PublisherConfig.Delivery.DEFAULTS).build();
        try (DemoGraphSimulator simulator = DemoGraphSimulator.start(clock,
                DemoCertificate.of(TestTls.serverKeyStore(), TestTls.PASSWORD.toCharArray()), DemoCalendars.startingAt(clock.instant()));
             RedisClient redis = RedisTestServer.client()) {
            AppConfig demo = DemoCommand.config(simulator, DemoCommand.secretFile("demo-secret-", simulator.clientSecret()),
                    new ManagementConfig("127.0.0.1", 0), new ApiConfig("127.0.0.1", 0, List.of(), Optional.empty(), ApiConfig.Limits.DEFAULTS));
            AppConfig config = startingFrom(demo).withPublishers(new PublisherConfig.Embedded(false), redisConfig).build();
            ServiceRunner runner = new ServiceRunner(config, Map.of(), clock,
                    ChangeLine.text(new PrintStream(new ByteArrayOutputStream()), clock, ZoneId.systemDefault()));
            try {
                runner.start();
                int users = simulator.calendars().users().size();
                await("every user's presence in Redis").atMost(Duration.ofSeconds(60))
                        .untilAsserted(() -> assertThat(redis.keys(prefix + "demo:presence:*")).as("%s", runner.publishers().health()).hasSize(users));
                for (DemoCalendars.DemoUser u : simulator.calendars().users()) {
                    await("embedded store has " + u.userPrincipalName()).until(() -> runner.store().get("demo", u.id()).isPresent());
                    assertThat(redis.hget(prefix + "demo:presence:" + u.id(), "upn")).isEqualTo(u.userPrincipalName());
                }
                assertThat(runner.publishers().health()).extracting(PublisherState::name, PublisherState::healthy)
                        .containsExactly(Tuple.tuple("embedded", true), Tuple.tuple("redis", true));
            } finally {
                runner.close();
                for (String key : redis.keys(prefix + "*")) redis.del(key);
            }
            assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("publisher-") && t.isAlive());
        }
    }
}
