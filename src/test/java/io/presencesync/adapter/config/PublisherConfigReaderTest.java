package io.presencesync.adapter.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PublisherConfigReaderTest {

    @TempDir
    Path dir;

    List<PublisherConfig> read(String publishers) throws IOException {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, ConfigLoaderTest.tenant("") + "publishers:\n" + publishers);
        return new ConfigLoader(Map.of("CONTOSO_SECRET", "s3cret", "REDIS_PASSWORD", "r3dis", "UC_TOKEN", "t0ken")).read(file).publishers();
    }

    @Test
    void redisWithOnlyItsUriGetsTheDefaultsAndItsStreamUnderTheKeyPrefix() throws IOException {
        assertThat(read("  - {type: redis, uri: 'redis://redis.example.com'}\n")).containsExactly(new PublisherConfig.Redis("redis",
                URI.create("redis://redis.example.com"), null, null, "presence-sync:", PublisherConfigReader.DEFAULT_REDIS_TTL,
                "presence-sync:changes", PublisherConfigReader.DEFAULT_STREAM_MAX_LEN, PublisherConfigReader.DEFAULT_CONNECT_TIMEOUT,
                PublisherConfigReader.DEFAULT_TIMEOUT, PublisherConfig.Delivery.DEFAULTS));
        assertThat(read("  - {type: redis, uri: 'redis://redis.example.com', keyPrefix: 'ps:'}\n")).singleElement()
                .extracting(p -> ((PublisherConfig.Redis) p).stream()).isEqualTo("ps:changes");
    }

    @Test
    void everyRedisKeyIsRead() throws IOException {
        Path password = Files.writeString(dir.resolve("redis-password"), "r3dis\n");
        PublisherConfig.Redis r = (PublisherConfig.Redis) read("""
                  - type: redis
                    name: cache
                    uri: rediss://redis.example.com:6380/2
                    username: presence
                    passwordFile: %s
                    keyPrefix: 'ps:'
                    ttl: 1h
                    stream: 'ps:stream'
                    streamMaxLen: 5000
                    connectTimeout: 1s
                    timeout: 3s
                    republishInterval: 5m
                    retryBackoff: 500ms
                    maxRetryBackoff: 30s
                """.formatted(password)).get(0);
        assertThat(r.name()).isEqualTo("cache");
        assertThat(r.tls()).isTrue();
        assertThat(r.username()).isEqualTo("presence");
        assertThat(r.password().read(Map.of())).isEqualTo("r3dis");
        assertThat(r.keyPrefix()).isEqualTo("ps:");
        assertThat(r.ttl()).isEqualTo(Duration.ofHours(1));
        assertThat(r.stream()).isEqualTo("ps:stream");
        assertThat(r.streamMaxLen()).isEqualTo(5000);
        assertThat(r.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(r.delivery()).isEqualTo(new PublisherConfig.Delivery(Duration.ofMinutes(5), Duration.ofMillis(500), Duration.ofSeconds(30)));
    }

    @Test
    void aTtlThatTheRepublishCannotRenewInTimeIsRejected() throws IOException {
        assertThatThrownBy(() -> read("  - {type: embedded}\n  - {type: redis, uri: 'redis://r', ttl: 19m}\n"))
                .hasMessageStartingWith("publishers[1].ttl: ttl 19m must be at least twice republishInterval 10m");
        assertThatThrownBy(() -> read("  - {type: redis, uri: 'redis://r', republishInterval: 16m}\n"))
                .hasMessageStartingWith("publishers[0].republishInterval: ttl 30m must be at least twice republishInterval 16m");
        assertThat(read("  - {type: redis, uri: 'redis://r', ttl: 20m}\n")).hasSize(1);
    }

    @Test
    void aRedisPasswordNeverGoesInTheUri() {
        assertThatThrownBy(() -> read("  - {type: embedded}\n  - {type: redis, uri: 'redis://:secret@r:6379'}\n"))
                .hasMessage("publishers[1].uri: must not carry credentials: give username, and passwordFile or passwordEnv");
        assertThatThrownBy(() -> read("  - {type: redis, uri: 'http://r'}\n"))
                .hasMessage("publishers[0].uri: 'http://r' must be a redis:// or rediss:// (TLS) URI");
        assertThatThrownBy(() -> read("  - {type: redis, uri: 'redis://r', passwordFile: /nonexistent/p}\n"))
                .hasMessage("publishers[0].passwordFile: file not found: /nonexistent/p");
        assertThatThrownBy(() -> read("  - {type: redis, uri: 'redis://r', passwordEnv: NOPE}\n"))
                .hasMessage("publishers[0].passwordEnv: environment variable NOPE is not set");
    }

    @Test
    void unknownKeysAndTypesAreRejectedWithTheirPath() {
        assertThatThrownBy(() -> read("  - {type: redis, uri: 'redis://r', pasword: x}\n"))
                .hasMessageStartingWith("publishers[0].pasword: unknown key");
        assertThatThrownBy(() -> read("  - {type: embedded, uri: 'redis://r'}\n"))
                .hasMessageStartingWith("publishers[0].uri: unknown key");
        assertThatThrownBy(() -> read("  - {type: kafka}\n"))
                .hasMessage("publishers[0].type: 'kafka' is not a publisher type (known: embedded, redis, http, sip)");
        assertThatThrownBy(() -> read("  - {uri: 'redis://r'}\n"))
                .hasMessage("publishers[0].type: required (one of embedded, redis, http, sip)");
    }

    @Test
    void httpReadsItsUrlMethodHeadersAuthAndTimeouts() throws IOException {
        PublisherConfig.Http h = (PublisherConfig.Http) read("""
                  - type: http
                    name: ucserver
                    url: https://uc.example.com/presence/{tenant}/{userId}
                    method: post
                    headers: {X-Api-Version: '2'}
                    auth: {type: bearer, tokenEnv: UC_TOKEN}
                    connectTimeout: 3s
                    requestTimeout: 10s
                    maxInFlight: 16
                """).get(0);
        assertThat(h).isEqualTo(new PublisherConfig.Http("ucserver", "https://uc.example.com/presence/{tenant}/{userId}",
                PublisherConfig.Http.Method.POST, Map.of("X-Api-Version", "2"),
                new PublisherConfig.HttpAuth.Bearer(Secret.env("UC_TOKEN")), Duration.ofSeconds(3),
                Duration.ofSeconds(10), 16, PublisherConfig.Delivery.DEFAULTS));
        PublisherConfig.Http basic = (PublisherConfig.Http) read("""
                  - {type: http, url: 'http://uc.local/presence', auth: {type: basic, username: sync, passwordEnv: UC_TOKEN}}
                """).get(0);
        assertThat(basic.method()).isEqualTo(PublisherConfig.Http.Method.PUT);
        assertThat(basic.maxInFlight()).isEqualTo(PublisherConfig.DEFAULT_MAX_IN_FLIGHT);
        assertThat(basic.auth()).isEqualTo(new PublisherConfig.HttpAuth.Basic("sync", Secret.env("UC_TOKEN")));
    }

    @Test
    void httpMistakesAreNamedWithTheirPath() {
        assertThatThrownBy(() -> read("  - {type: http, url: 'https://uc/{user}'}\n"))
                .hasMessage("publishers[0].url: unknown placeholder {user} (known: {tenant}, {userId}, {upn})");
        assertThatThrownBy(() -> read("  - {type: http, url: 'ftp://uc/x'}\n"))
                .hasMessage("publishers[0].url: 'ftp://uc/x' must be an http:// or https:// URL");
        assertThatThrownBy(() -> read("  - {type: http, url: 'https://uc/x', method: PATCH}\n"))
                .hasMessage("publishers[0].method: 'PATCH' is not one of PUT, POST");
        assertThatThrownBy(() -> read("  - {type: http, url: 'https://uc/x', headers: {Authorization: 'Bearer x'}}\n"))
                .hasMessage("publishers[0].headers.Authorization: set by the publisher itself (use auth, so the credential stays out of this file)");
        assertThatThrownBy(() -> read("  - {type: http, url: 'https://uc/x', auth: {type: bearer}}\n"))
                .hasMessage("publishers[0].auth: give exactly one of tokenFile or tokenEnv (the secret itself never goes in this file)");
        assertThatThrownBy(() -> read("  - {type: http, url: 'https://uc/x', auth: {type: basic, username: u, password: p}}\n"))
                .hasMessageStartingWith("publishers[0].auth.password: unknown key");
        assertThatThrownBy(() -> read("  - {type: http, url: 'https://uc/x', retryBackoff: 5s, maxRetryBackoff: 1s}\n"))
                .hasMessage("publishers[0].maxRetryBackoff: '1s' is shorter than retryBackoff 5s");
    }

    @Test
    void sipWithOnlyItsProxyPublishesTheUsersAddressOverUdpInTrustedMode() throws IOException {
        PublisherConfig.Sip sip = (PublisherConfig.Sip) read("  - {type: sip, proxy: 'kamailio.example.com'}\n").get(0);
        assertThat(sip).isEqualTo(new PublisherConfig.Sip("sip", "kamailio.example.com", 5060, PublisherConfig.SipTransport.UDP,
                "sip:{address}", Duration.ofMinutes(10), PublisherConfig.NoteLanguage.EN, java.time.ZoneId.systemDefault(), null,
                PublisherConfigReader.DEFAULT_TIMEOUT, 32, PublisherConfig.Delivery.DEFAULTS));
        assertThat(sip.fromUser()).isEqualTo("presence-sync");
    }

    @Test
    void everySipKeyIsRead() throws IOException {
        Path password = Files.writeString(dir.resolve("sip-password"), "s1p\n");
        PublisherConfig.Sip sip = (PublisherConfig.Sip) read("""
                  - type: sip
                    name: kamailio
                    proxy: 10.0.0.5:5070
                    transport: tcp
                    presentity: 'sip:{localpart}@uc.example.com'
                    expires: 15m
                    noteLanguage: de
                    timeZone: Europe/Berlin
                    username: presence-sync
                    passwordFile: %s
                    requestTimeout: 2s
                    republishInterval: 5m
                """.formatted(password)).get(0);
        assertThat(sip.name()).isEqualTo("kamailio");
        assertThat(sip.proxyHost()).isEqualTo("10.0.0.5");
        assertThat(sip.proxyPort()).isEqualTo(5070);
        assertThat(sip.transport()).isEqualTo(PublisherConfig.SipTransport.TCP);
        assertThat(sip.presentity()).isEqualTo("sip:{localpart}@uc.example.com");
        assertThat(sip.expires()).isEqualTo(Duration.ofMinutes(15));
        assertThat(sip.noteLanguage()).isEqualTo(PublisherConfig.NoteLanguage.DE);
        assertThat(sip.timeZone()).isEqualTo(java.time.ZoneId.of("Europe/Berlin"));
        assertThat(sip.auth()).isEqualTo(new PublisherConfig.SipAccount("presence-sync", Secret.file(password)));
        assertThat(sip.fromUser()).isEqualTo("presence-sync");
        assertThat(sip.requestTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(sip.delivery().republishInterval()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void sipMistakesAreNamedWithTheirPathAndValue() {
        assertThatThrownBy(() -> read("  - {type: sip}\n")).hasMessage("publishers[0].proxy: required");
        assertThatThrownBy(() -> read("  - {type: sip, proxy: 'sip:kamailio'}\n"))
                .hasMessage("publishers[0].proxy: 'sip:kamailio' is not host:port (e.g. sip.example.com:5060 or 10.0.0.5)");
        assertThatThrownBy(() -> read("  - {type: sip, proxy: 'kamailio:70000'}\n"))
                .hasMessage("publishers[0].proxy: 'kamailio:70000': port 70000 is outside 1..65535");
        assertThatThrownBy(() -> read("  - {type: sip, proxy: kamailio, transport: sctp}\n"))
                .hasMessage("publishers[0].transport: 'sctp' is not a transport (known: udp, tcp)");
        assertThatThrownBy(() -> read("  - {type: sip, proxy: kamailio, presentity: 'tel:{localpart}'}\n"))
                .hasMessage("publishers[0].presentity: 'tel:{localpart}' must start with sip: (e.g. sip:{localpart}@uc.example.com)");
        assertThatThrownBy(() -> read("  - {type: sip, proxy: kamailio, presentity: 'sip:{upn}'}\n"))
                .hasMessage("publishers[0].presentity: unknown placeholder {upn} (known: {address}, {localpart}, {domain})");
        assertThatThrownBy(() -> read("  - {type: sip, proxy: kamailio, presentity: 'sip:office@{domain}'}\n"))
                .hasMessage("publishers[0].presentity: 'sip:office@{domain}' names no user: use {address} or {localpart}");
        assertThatThrownBy(() -> read("  - {type: sip, proxy: kamailio, presentity: 'sip:{localpart}@uc.example.com;transport=tcp'}\n"))
                .hasMessageContaining("is not of the form sip:user@host");
        assertThatThrownBy(() -> read("  - {type: sip, proxy: kamailio, expires: 5s}\n"))
                .hasMessage("publishers[0].expires: '5s' is shorter than the minimum 10s");
        assertThatThrownBy(() -> read("  - {type: sip, proxy: kamailio, noteLanguage: fr}\n"))
                .hasMessage("publishers[0].noteLanguage: 'fr' is not a note language (known: en, de)");
        assertThatThrownBy(() -> read("  - {type: sip, proxy: kamailio, timeZone: Mars/Olympus}\n"))
                .hasMessage("publishers[0].timeZone: 'Mars/Olympus' is not a time zone such as Europe/Berlin");
        assertThatThrownBy(() -> read("  - {type: sip, proxy: kamailio, username: presence-sync}\n"))
                .hasMessage("publishers[0].username: a username needs passwordFile or passwordEnv");
        assertThatThrownBy(() -> read("  - {type: sip, proxy: kamailio, passwordEnv: UC_TOKEN}\n"))
                .hasMessage("publishers[0].passwordEnv: a password needs the username of the service account");
        assertThatThrownBy(() -> read("  - {type: sip, proxy: kamailio, username: ps, passwordEnv: NOT_SET}\n"))
                .hasMessage("publishers[0].passwordEnv: environment variable NOT_SET is not set");
        assertThatThrownBy(() -> read("  - {type: sip, proxy: kamailio, password: s3cret}\n"))
                .hasMessageStartingWith("publishers[0].password: unknown key");
    }

    @Test
    void publisherNamesAreUnique() {
        assertThatThrownBy(() -> read("  - {type: http, url: 'https://a/x'}\n  - {type: http, url: 'https://b/x'}\n"))
                .hasMessage("publishers[1].name: 'http' is used by publishers[0]; give each a unique name");
        assertThatThrownBy(() -> read("  - {type: embedded}\n  - {type: embedded, log: false}\n"))
                .hasMessage("publishers[1].type: only one embedded store can be configured");
    }

    @Test
    void theShippedExamplesOfEveryPublisherTypeAreValidOnceUncommented() throws IOException {
        String example = Files.readString(Path.of("config/presence-sync.yaml"));
        String publishers = example.substring(example.indexOf("publishers:\n") + "publishers:\n".length())
                .replaceAll("(?m)^  # (?=- |  )", "  ")
                .replace("/var/run/secrets/presence-sync/redis-password", Files.writeString(dir.resolve("redis"), "r3dis").toString())
                .replace("/var/run/secrets/presence-sync/uc-token", Files.writeString(dir.resolve("uc"), "t0ken").toString())
                .replace("/var/run/secrets/presence-sync/sip-password", Files.writeString(dir.resolve("sip"), "s1p").toString());
        assertThat(read(publishers)).extracting(PublisherConfig::name).containsExactly("embedded", "redis", "ucserver", "kamailio");
    }
}
