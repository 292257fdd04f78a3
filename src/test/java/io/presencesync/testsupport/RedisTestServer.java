package io.presencesync.testsupport;

import redis.clients.jedis.RedisClient;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;

/**
 * The Redis the tests write to: the one on 127.0.0.1:6379 when it answers (as on the team's
 * machines), else a server from the embedded-redis jar on a free port, started once per JVM. If
 * neither works the tests fail with the reason; they never skip.
 */
public final class RedisTestServer {

    private static URI uri;

    private RedisTestServer() {}

    public static synchronized URI uri() {
        if (uri != null) return uri;
        // -Dpresencesync.test.redis=embedded tries the fallback on a machine that has a Redis.
        if (!"embedded".equals(System.getProperty("presencesync.test.redis")) && answers(6379)) {
            uri = URI.create("redis://127.0.0.1:6379");
            return uri;
        }
        try {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            RedisServer server = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"").setting("appendonly no").build();
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.stop();
                } catch (IOException ignored) {
                    // the JVM ends anyway
                }
            }));
            uri = URI.create("redis://127.0.0.1:" + port);
            System.err.println("Redis tests: no Redis on 127.0.0.1:6379 (or asked for the fallback), using an embedded one at " + uri);
            return uri;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("No Redis for the tests: nothing answers on 127.0.0.1:6379 and the embedded "
                    + "Redis server (com.github.codemonstur:embedded-redis) did not start: " + e, e);
        }
    }

    /** A client of the test server, for reading back what a publisher wrote. */
    public static RedisClient client() {
        return RedisClient.create(uri());
    }

    private static boolean answers(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            s.setSoTimeout(1000);
            s.getOutputStream().write("PING\r\n".getBytes());
            byte[] reply = new byte[7];
            int n = s.getInputStream().read(reply);
            return n > 0 && new String(reply, 0, n).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }
}
