package io.presencesync.adapter.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.presencesync.adapter.config.AppConfig;
import io.presencesync.adapter.config.ConfigLoader;
import io.presencesync.adapter.config.CredentialConfigTest.TestCertificate;
import io.presencesync.adapter.logging.JsonLogEncoder;
import io.presencesync.adapter.logging.LogFormat;
import io.presencesync.adapter.publisher.ChangeLine;
import io.presencesync.testsupport.GraphFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * A real sync of two tenants (a client secret from a file, a password-protected PFX certificate),
 * `validate` and `check` of a configuration with a database password, all with DEBUG logging for
 * presence-sync and for the Azure Identity, MSAL, Graph SDK and OkHttp loggers: the whole log, in
 * both formats, and everything printed, must hold none of the secrets, passwords or tokens.
 */
class SecretsNeverLoggedTest {

    static final String CONTOSO = "7f2d1c3e-0a4b-4c5d-9e6f-112233445566";
    static final String FABRIKAM = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";
    static final String PFX_PASSWORD = "pfx-Pa55word~never-logged";
    static final String DB_PASSWORD = "db-Pa55word~never-logged";
    static final List<String> DEBUG_LOGGERS = List.of("io.presencesync", "com.azure", "com.microsoft", "okhttp3", "reactor", "io.netty");

    @TempDir
    Path dir;
    GraphFixture contoso;
    GraphFixture fabrikam;
    final ByteArrayOutputStream textLog = new ByteArrayOutputStream();
    final ByteArrayOutputStream jsonLog = new ByteArrayOutputStream();
    final StringWriter printed = new StringWriter();
    final LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();

    @BeforeEach
    void start() {
        contoso = GraphFixture.start(CONTOSO, dir).user("anna@contoso.com", "0000a11c-e000-4000-8000-000000000001");
        fabrikam = GraphFixture.start(FABRIKAM, dir).user("carl@fabrikam.com", "0000a11c-e000-4000-8000-000000000003");
        LogFormat.TEXT.apply();
        for (String name : DEBUG_LOGGERS) logging.getLogger(name).setLevel(Level.DEBUG);
        ch.qos.logback.classic.Logger root = logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setPattern("%d %-5level [%thread] %logger - %msg%n");
        root.addAppender(capture(text, textLog));
        root.addAppender(capture(new JsonLogEncoder(), jsonLog));
    }

    OutputStreamAppender<ILoggingEvent> capture(Encoder<ILoggingEvent> encoder, ByteArrayOutputStream into) {
        encoder.setContext(logging);
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(logging);
        appender.setEncoder(encoder);
        appender.setOutputStream(into);
        appender.start();
        return appender;
    }

    @AfterEach
    void stop() {
        contoso.close();
        fabrikam.close();
        LogFormat.TEXT.apply();
    }

    @Test
    void aWholeSyncAtDebugLevelLogsNoSecretPasswordOrToken() throws Exception {
        TestCertificate certificate = TestCertificate.create(dir, "fabrikam-app", PFX_PASSWORD);
        Map<String, String> env = Map.of("FABRIKAM_PFX_PASSWORD", PFX_PASSWORD, "PRESENCE_SYNC_DB_PASSWORD", DB_PASSWORD);
        String tenants = "tenants:\n" + contoso.tenantYaml("contoso", "anna@contoso.com")
                + fabrikam.tenantYaml("fabrikam", "carl@fabrikam.com").replaceFirst(
                "(?s)      type: clientSecret\n      secretFile: [^\n]+\n",
                "      type: certificate\n      certificateFile: " + certificate.pfx() + "\n      passwordEnv: FABRIKAM_PFX_PASSWORD\n");
        Path single = Files.writeString(dir.resolve("single.yaml"), tenants + "management: {bindAddress: 127.0.0.1, port: 0}\n");
        Path clustered = Files.writeString(dir.resolve("clustered.yaml"), tenants + """
                publishers: [{type: redis, uri: 'redis://127.0.0.1:6379/0'}]
                cluster:
                  jdbcUrl: jdbc:postgresql://127.0.0.1:5432/test
                  username: presence
                  passwordEnv: PRESENCE_SYNC_DB_PASSWORD
                """);

        assertThat(cli(env, "validate", "--config", clustered.toString())).isZero();
        assertThat(cli(env, "check", "--config", clustered.toString())).as(printed.toString()).isZero();
        syncUntilEveryUserIsPublished(new ConfigLoader(env).read(single), env);

        assertThat(tokenRequestBody(contoso)).contains("client_secret=" + GraphFixture.CLIENT_SECRET.replace("~", "%7E"));
        String assertion = clientAssertion(tokenRequestBody(fabrikam));
        assertThat(contoso.requests()).anySatisfy(r -> assertThat(r.getHeader("Authorization")).isEqualTo("Bearer " + GraphFixture.ACCESS_TOKEN));
        String everything = textLog.toString(StandardCharsets.UTF_8) + jsonLog.toString(StandardCharsets.UTF_8) + printed;
        assertThat(textLog.toString(StandardCharsets.UTF_8)).as("the libraries really logged at DEBUG")
                .contains(" DEBUG [", "com.microsoft.aad.msal4j", "com.azure.identity", "Access Token was returned");
        for (String secret : List.of(GraphFixture.CLIENT_SECRET, GraphFixture.ACCESS_TOKEN, PFX_PASSWORD, DB_PASSWORD, assertion)) {
            assertThat(everything).doesNotContain(secret);
        }
        // A token or JWT-shaped string under any name (the assertion signature, a cached token) would show here.
        assertThat(everything).doesNotContainPattern("eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}");
    }

    int cli(Map<String, String> env, String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(printed, true));
        cli.setErr(new PrintWriter(printed, true));
        cli.getSubcommands().get("validate").<ValidateCommand>getCommand().config.env = env;
        cli.getSubcommands().get("check").<CheckCommand>getCommand().config.env = env;
        return cli.execute(args);
    }

    void syncUntilEveryUserIsPublished(AppConfig config, Map<String, String> env) throws Exception {
        ByteArrayOutputStream changes = new ByteArrayOutputStream();
        Set<String> published = ConcurrentHashMap.newKeySet();
        try (ServiceRunner runner = new ServiceRunner(config, env, Clock.systemUTC(),
                ChangeLine.text(new PrintStream(changes, true, StandardCharsets.UTF_8), Clock.systemUTC(), ZoneId.systemDefault()))) {
            runner.store().addListener((tenant, user, before, after) -> published.add(tenant + "/" + user.address()));
            runner.start();
            await("every user published").atMost(Duration.ofSeconds(40))
                    .untilAsserted(() -> assertThat(published).as("log:%n%s", textLog).hasSizeGreaterThanOrEqualTo(2));
        }
        printed.write(changes.toString(StandardCharsets.UTF_8));
    }

    static String tokenRequestBody(GraphFixture fixture) {
        return fixture.requests().stream().filter(r -> r.getUrl().endsWith("/oauth2/v2.0/token")).map(LoggedRequest::getBodyAsString)
                .findFirst().orElseGet(() -> fail("no token request"));
    }

    static String clientAssertion(String tokenRequestBody) {
        Matcher m = Pattern.compile("client_assertion=([^&]+)").matcher(tokenRequestBody);
        if (!m.find()) fail("no client assertion in %s", tokenRequestBody);
        return m.group(1);
    }
}
