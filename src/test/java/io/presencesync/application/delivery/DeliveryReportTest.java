package io.presencesync.application.delivery;

import io.presencesync.application.port.DeliveryListener.Delivery;
import io.presencesync.application.port.PresenceUpdate;
import io.presencesync.application.port.WriteResult;
import io.presencesync.application.status.PublisherState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.presencesync.application.delivery.SteppedPlan.plan;
import static io.presencesync.application.delivery.SteppedPlan.updates;
import static io.presencesync.testsupport.Updates.update;
import static org.assertj.core.api.Assertions.assertThat;

/** What the plan tells: deliveries for the latency metric, counts for the status page, events for the log. */
class DeliveryReportTest {

    final SteppedPlan store = plan().start();

    @Test
    void aWrittenTransitionCarriesItsLatencyFromItsInstantToTheAcknowledgement() {
        PresenceUpdate u = update(7, 1);
        store.offer(u);
        store.send();
        Delivery d = store.answer(WriteResult.WRITTEN).orElseThrow();
        assertThat(d).isEqualTo(new Delivery("test", u, store.now, false));
        assertThat(d.latency()).isEqualTo(Duration.between(u.presence().since(), store.now));
    }

    @Test
    void onlyAWrittenUpdateIsADelivery() {
        store.offer(update(1, 1), update(2, 1));
        store.send();
        assertThat(store.answer(new WriteResult.Stale("stored version 9"))).isEmpty();
        store.send();
        assertThat(store.answer(new WriteResult.Rejected("HTTP 400"))).isEmpty();
        assertThat(store.plan.state()).extracting(PublisherState::delivered, PublisherState::stale, PublisherState::rejected)
                .containsExactly(0L, 1L, 1L);
    }

    @Test
    void tenRejectionsAMinuteAreToldOneByOneAndTheRestSummedUp() {
        Instant minute = store.now;
        store.offer(updates(15, 1));
        store.deliverDue(u -> new WriteResult.Rejected("HTTP 400: unknown user"));
        List<DeliveryEvent> firstMinute = store.events();
        assertThat(firstMinute).hasSize(10).allMatch(e -> e instanceof DeliveryEvent.Rejected);
        assertThat(firstMinute.get(0)).isEqualTo(new DeliveryEvent.Rejected(update(0, 1), "HTTP 400: unknown user"));

        store.advance(Duration.ofSeconds(59));
        store.offer(update(15, 1));
        store.deliverDue(u -> new WriteResult.Rejected("HTTP 400: unknown user"));
        assertThat(store.events()).as("still the same minute").isEmpty();

        store.advance(Duration.ofSeconds(1));
        store.offer(update(16, 1));
        store.deliverDue(u -> new WriteResult.Rejected("HTTP 400: unknown user"));
        assertThat(store.events()).containsExactly(new DeliveryEvent.RejectionsNotTold(6, minute),
                new DeliveryEvent.Rejected(update(16, 1), "HTTP 400: unknown user"));
        assertThat(store.plan.state().rejected()).isEqualTo(17);
    }
}
