package io.presencesync.adapter.web;

import io.presencesync.application.status.StepOutcome;
import io.presencesync.application.status.SyncStep;
import io.presencesync.application.status.UserProblem;
import io.presencesync.domain.EventPresence;
import io.presencesync.domain.ManualPresence;
import io.presencesync.domain.PresenceState;
import io.presencesync.domain.Profile;
import io.presencesync.domain.Reason;
import io.presencesync.domain.User;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The status page as an admin sees it: rendered by a real headless Chromium. The PNG stays in target/ for people to look at. */
class StatusPageScreenshotIT {

    static final Path SCREENSHOT = Path.of("target", "status-page.png");

    final WebFixture web = new WebFixture();

    @TempDir
    Path profile;

    @AfterEach
    void stop() { web.close(); }

    void aTenantInEveryPresence() {
        Instant now = Instant.now();
        Instant yesterday = now.minus(Duration.ofDays(1));
        web.firstSyncDone();
        manual("anna.schmidt", PresenceState.AVAILABLE, new Profile(null, "mobile", "Working from home", "+49 170 0000000"), yesterday);
        manual("ben.mueller", PresenceState.AVAILABLE, null, yesterday);
        manual("clara.fischer", PresenceState.AWAY, null, yesterday);
        manual("hannah.koch", PresenceState.DO_NOT_DISTURB, null, yesterday);
        manual("ida.wolf", PresenceState.BUSY, null, yesterday);
        web.publish("contoso", user("jonas.richter"), new EventPresence(Reason.CALENDAR_BUSY, now.minusSeconds(300), now.plusSeconds(1500)));
        web.publish("contoso", user("lena.klein"), new EventPresence(Reason.CALENDAR_OOF, now.minusSeconds(3600), now.plus(Duration.ofDays(2))));
        web.publish("contoso", user("max.braun"), EventPresence.none(now.minusSeconds(60), null));
        web.read("contoso", SyncStep.CALENDAR_POLL, StepOutcome.OK, List.of(
                new UserProblem("left.company@contoso.com", SyncStep.CALENDAR_POLL, "5009", "The user was not found"),
                new UserProblem("board@contoso.com", SyncStep.CALENDAR_POLL, "ErrorAccessDenied", "Access is denied by an application access policy")));
    }

    void manual(String name, PresenceState state, Profile profile, Instant at) {
        web.store.setManual("contoso", user(name), new ManualPresence(state, profile, at));
    }

    static User user(String name) { return new User("id-" + name, name + "@contoso.com"); }

    @Test
    void anAdminSignsInWithALinkAndSeesTheStatusPageInChromiumWithThePresencesInTheirNormativeColours() throws Exception {
        aTenantInEveryPresence();
        HeadlessChromium chromium = new HeadlessChromium(profile);
        Files.createDirectories(SCREENSHOT.getParent());
        Files.deleteIfExists(SCREENSHOT);

        // Each run signs in as an admin would from the demo: a one-time link, then the session cookie it sets.
        chromium.screenshot(web.url(web.server.loginPath(web.readerToken).orElseThrow()), SCREENSHOT.toAbsolutePath(), 1280, 900);
        String dom = chromium.dumpDom(web.url(web.server.loginPath(web.readerToken).orElseThrow()));

        assertThat(Files.size(SCREENSHOT)).as("a PNG with real content").isGreaterThan(20_000);
        BufferedImage png = ImageIO.read(SCREENSHOT.toFile());
        assertThat(png.getWidth()).isEqualTo(1280);
        for (PresenceState state : PresenceState.values()) {
            assertThat(pixelsOf(png, state.colour())).as("pixels in %s's colour %s", state, state.colour()).isGreaterThan(150);
            assertThat(pixelsOf(png, state.arrowColour())).as("pixels in %s's arrow colour %s", state, state.arrowColour()).isGreaterThan(10);
        }
        assertThat(dom).contains("signed in as status-reader", "jonas.richter@contoso.com", "in a meeting", "out of office", "ErrorAccessDenied",
                "left.company@contoso.com", "Working from home", "healthy", "embedded", "1–8 of 8 users");
        assertThat(ManagementServerTest.count(dom, "<svg class=\"icon\"")).isEqualTo(PresenceState.values().length + 8);
    }

    /** Pixels within a small distance of {@code #RRGGBB} (anti-aliasing blends the edges). */
    static int pixelsOf(BufferedImage image, String hex) {
        int want = Integer.parseInt(hex.substring(1), 16);
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                int dr = Math.abs(((rgb >> 16) & 0xff) - ((want >> 16) & 0xff));
                int dg = Math.abs(((rgb >> 8) & 0xff) - ((want >> 8) & 0xff));
                int db = Math.abs((rgb & 0xff) - (want & 0xff));
                if (dr <= 8 && dg <= 8 && db <= 8) n++;
            }
        }
        return n;
    }
}
