package io.presencesync.adapter.publisher;

import io.presencesync.adapter.config.PublisherConfig;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.application.port.StoreWriter;
import io.presencesync.application.port.WriteResult;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLParameters;

/**
 * Writes each user's event presence to a Redis hash {@code <keyPrefix><tenant>:presence:<userId>}
 * with a TTL (a dead-man switch renewed by every write and re-publish) and appends each change to
 * a stream. One Lua script does both atomically and checks the version first: an older version
 * than the stored one is ignored, the same version only renews the TTL. A NONE is written the same
 * way but never re-published: it holds the version until its TTL runs out, then the key is gone.
 */
public final class RedisPublisher implements StoreWriter {

    /**
     * KEYS: the user's hash, the stream. ARGV: version, TTL in ms, stream MAXLEN, then field/value
     * pairs. Versions are compared as decimal strings (length, then text), exact beyond 2^53.
     */
    static final String SCRIPT = """
            local stored = redis.call('HGET', KEYS[1], 'version')
            if stored then
              local v = ARGV[1]
              if #stored > #v or (#stored == #v and stored > v) then return 'stale:' .. stored end
              if stored == v then
                redis.call('PEXPIRE', KEYS[1], ARGV[2])
                return 'renewed'
              end
            end
            local fields = {}
            for i = 4, #ARGV do fields[#fields + 1] = ARGV[i] end
            redis.call('DEL', KEYS[1])
            redis.call('HSET', KEYS[1], unpack(fields))
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', unpack(fields))
            return 'written'
            """;

    private final PublisherConfig.Redis config;
    private final RedisClient redis;
    private String scriptSha;

    public RedisPublisher(PublisherConfig.Redis config, Map<String, String> env) {
        this.config = config;
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) config.connectTimeout().toMillis())
                .socketTimeoutMillis((int) config.timeout().toMillis())
                .database(database(config))
                .clientName("presence-sync")
                // rediss:// uses the JVM's default SSL context (its truststore); Jedis checks the host
                // name only when the SSL parameters ask for it.
                .ssl(config.tls())
                .sslParameters(verifyHostName());
        if (config.username() != null) client.user(config.username());
        if (config.password() != null) client.password(config.password().read(env));
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(2);
        pool.setMaxWait(config.connectTimeout());
        int port = config.uri().getPort() == -1 ? 6379 : config.uri().getPort();
        this.redis = RedisClient.builder()
                .hostAndPort(new HostAndPort(config.uri().getHost(), port))
                .clientConfig(client.build())
                .poolConfig(pool)
                .build();
    }

    /** The key of a user's event presence. */
    String key(String tenant, String userId) {
        return config.keyPrefix() + tenant + ":presence:" + userId;
    }

    @Override
    public WriteResult write(PresenceUpdate update) {
        List<String> keys = List.of(key(update.tenant(), update.user().id()), config.stream());
        List<String> args = new ArrayList<>();
        args.add(Long.toString(update.version()));
        args.add(Long.toString(config.ttl().toMillis()));
        args.add(Long.toString(config.streamMaxLen()));
        PresencePayload.fields(update).forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        Object reply;
        try {
            reply = run(keys, args);
        } catch (JedisConnectionException e) {
            return new WriteResult.Retry("Redis " + config.uri().getHost() + ": " + rootMessage(e), null);
        } catch (JedisDataException e) {
            // WRONGTYPE: something else owns this user's key; other errors (NOAUTH, LOADING, OOM) concern the whole server.
            if (String.valueOf(e.getMessage()).contains("WRONGTYPE")) return new WriteResult.Rejected("Redis: " + e.getMessage());
            return new WriteResult.Retry("Redis: " + e.getMessage(), null);
        }
        String answer = String.valueOf(reply);
        if (answer.equals("written") || answer.equals("renewed")) return WriteResult.WRITTEN;
        if (answer.startsWith("stale:")) return new WriteResult.Stale("stored version " + answer.substring(6));
        return new WriteResult.Retry("Redis: unexpected script answer " + answer, null);
    }

    private Object run(List<String> keys, List<String> args) {
        if (scriptSha != null) {
            try {
                return redis.evalsha(scriptSha, keys, args);
            } catch (JedisNoScriptException e) {
                // The server restarted or flushed its scripts: load it again.
            }
        }
        scriptSha = redis.scriptLoad(SCRIPT);
        return redis.evalsha(scriptSha, keys, args);
    }

    private static SSLParameters verifyHostName() {
        SSLParameters parameters = new SSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        return parameters;
    }

    private static int database(PublisherConfig.Redis config) {
        String path = config.uri().getPath();
        return path == null || path.length() <= 1 ? 0 : Integer.parseInt(path.substring(1));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t + ")";
    }

    @Override
    public void close() {
        redis.close();
    }
}
