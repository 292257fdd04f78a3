package io.presencesync.adapter.web;

import io.presencesync.application.port.CalendarSource;
import io.presencesync.application.port.MailboxSchedule;
import io.presencesync.application.port.SourceResult;
import io.presencesync.application.port.TeamsPresence;
import io.presencesync.domain.FreeBusyItem;
import io.presencesync.domain.FreeBusyStatus;
import io.presencesync.domain.PresenceState;
import io.presencesync.domain.User;
import io.presencesync.testsupport.TenantPortsBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A user's page as an admin sees it in a real headless Chromium: the timeline bar in the normative colours. The PNG stays in target/. */
class UserPageScreenshotIT {

    static final Path SCREENSHOT = Path.of("target", "user-page.png");
    static final User ANNA = new User("id-anna", "anna.schmidt@contoso.com");

    final WebFixture web = new WebFixture();

    @TempDir
    Path profile;

    @AfterEach
    void stop() { web.close(); }

    @Test
    void anAdminSeesWhyAnnaIsBusyWithTheTimelineInItsColoursAndNoSubject() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        List<FreeBusyItem> items = List.of(
                new FreeBusyItem(now.minus(Duration.ofMinutes(2)), now.plus(Duration.ofHours(2)), FreeBusyStatus.BUSY),
                new FreeBusyItem(now.plus(Duration.ofHours(2)), now.plus(Duration.ofHours(3)), FreeBusyStatus.BUSY),
                new FreeBusyItem(now.plus(Duration.ofHours(6)), now.plus(Duration.ofHours(14)), FreeBusyStatus.OOF),
                new FreeBusyItem(now.plus(Duration.ofHours(16)), now.plus(Duration.ofHours(17)), FreeBusyStatus.TENTATIVE));
        CalendarSource calendars = new CalendarSource() {
            @Override
            public Map<String, SourceResult<List<FreeBusyItem>>> freeBusy(List<User> users, Instant from, Instant to) {
                return Map.of(ANNA.id(), new SourceResult.Ok<>(items));
            }

            @Override
            public Map<String, SourceResult<MailboxSchedule>> schedules(List<User> users, Instant from, Instant to) {
                return Map.of(ANNA.id(), new SourceResult.Ok<>(new MailboxSchedule(items, ZoneId.of("Europe/Berlin"))));
            }
        };
        web.sync("contoso", List.of(ANNA), TenantPortsBuilder.ports().withCalendars(calendars)
                .withCallStates(users -> Map.of(ANNA.id(), new SourceResult.Ok<>(new TeamsPresence("InAMeeting", false)))));
        HeadlessChromium chromium = new HeadlessChromium(profile);
        Files.createDirectories(SCREENSHOT.getParent());
        Files.deleteIfExists(SCREENSHOT);

        // Signed in once with a one-time link, as from the demo; the session cookie stays in the browser's profile.
        assertThat(chromium.dumpDom(web.url(web.server.loginPath(web.readerToken).orElseThrow()))).contains("signed in as status-reader");
        chromium.screenshot(web.url("/users/contoso/id-anna"), SCREENSHOT.toAbsolutePath(), 1280, 900);
        String dom = chromium.dumpDom(web.url("/users/contoso/id-anna"));

        assertThat(dom).contains("Why anna.schmidt@contoso.com shows what they show", "in a meeting", "out of office", "Europe/Berlin",
                "BUSY_APPOINTMENT", "TENTATIVE_IGNORED", "NOT_A_CALL", "class=\"seg busy\"", "class=\"seg away\"");
        BufferedImage png = ImageIO.read(SCREENSHOT.toFile());
        assertThat(StatusPageScreenshotIT.pixelsOf(png, PresenceState.BUSY.colour())).as("the busy part of the bar").isGreaterThan(1500);
        assertThat(StatusPageScreenshotIT.pixelsOf(png, PresenceState.AWAY.colour())).as("the away part of the bar").isGreaterThan(1500);
    }
}
