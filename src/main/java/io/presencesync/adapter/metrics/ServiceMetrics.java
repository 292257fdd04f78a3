package io.presencesync.adapter.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.presencesync.application.status.FederationState;
import io.presencesync.application.status.PublisherState;
import io.presencesync.application.status.ServiceHealth;
import io.presencesync.application.status.SyncStatus;
import io.presencesync.application.status.SyncStep;
import io.presencesync.application.status.UserProblem;
import io.presencesync.domain.EventState;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The service's own meters and the JVM's: sync step durations, tenant and publisher health,
 * users by event presence and users with errors. Gauges that depend on changing label sets are
 * brought up to date by {@link #refresh()} before each scrape.
 */
public final class ServiceMetrics implements AutoCloseable {

    private final MeterRegistry registry;
    private final ServiceHealth health;
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final MultiGauge usersWithErrors;

    public ServiceMetrics(MeterRegistry registry, SyncStatus status, ServiceHealth health, EventPresenceCounts counts) {
        this.registry = registry;
        this.health = health;
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        status.addListener((tenant, step, outcome, took) -> Timer.builder("presencesync.sync.duration")
                .description("Duration of one sync step's read of its source")
                .tags("tenant", tenant, "step", step.key(), "outcome", outcome.ok() ? "ok" : "failed")
                .register(registry).record(took));
        for (String tenant : status.tenantNames()) {
            for (ServiceHealth.TenantState state : ServiceHealth.TenantState.values()) {
                tenantGauge("presencesync.tenant.state", tenant, Tags.of("state", state.name().toLowerCase(Locale.ROOT)),
                        "1 for the tenant's current state, 0 for the others", h -> h.state() == state ? 1 : 0);
            }
            for (SyncStep step : SyncStep.values()) {
                Gauge.builder("presencesync.sync.last.success", status, s -> epochSeconds(s.tenant(tenant).step(step).lastSuccess()))
                        .description("When the step last reached its source (Unix seconds; NaN before the first time)")
                        .baseUnit("seconds").tags("tenant", tenant, "step", step.key()).register(registry);
            }
            for (EventState state : EventState.values()) {
                Gauge.builder("presencesync.users", counts, c -> c.count(tenant, state))
                        .description("Users by current event presence (none: no event presence shows)")
                        .tags("tenant", tenant, "event_presence", state.name().toLowerCase(Locale.ROOT)).register(registry);
            }
        }
        for (PublisherState p : health.publishers()) {
            Gauge.builder("presencesync.publisher.healthy", health, h -> publisherUp(h, p.name()))
                    .description("1 while the publisher's last delivery succeeded").tag("publisher", p.name()).register(registry);
        }
        for (FederationState f : health.federation()) federationMeters(f.name());
        usersWithErrors = MultiGauge.builder("presencesync.users.with.errors")
                .description("Users a source answered with a definitive error, by step and error code").register(registry);
        refresh();
    }

    /** Brings the users-with-errors gauges up to date (error codes come and go). */
    public void refresh() {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (ServiceHealth.TenantHealth t : health.tenants()) {
            Map<String, Integer> byReason = new TreeMap<>();
            for (UserProblem p : t.usersWithErrors()) byReason.merge(p.step().key() + '\u0000' + p.code(), 1, Integer::sum);
            byReason.forEach((key, n) -> {
                String[] stepAndCode = key.split("\u0000", 2);
                rows.add(MultiGauge.Row.of(Tags.of("tenant", t.name(), "step", stepAndCode[0], "reason", stepAndCode[1]), n));
            });
        }
        usersWithErrors.register(rows, true);
    }

    private void tenantGauge(String name, String tenant, Tags tags, String description, ToDoubleFunction<ServiceHealth.TenantHealth> value) {
        Gauge.builder(name, health, h -> h.tenants().stream().filter(t -> t.name().equals(tenant)).findFirst().map(value::applyAsDouble).orElse(0.0))
                .description(description).tags(tags.and("tenant", tenant)).register(registry);
    }

    /** The XMPP link's meters, read from its state at each scrape. */
    private void federationMeters(String link) {
        Gauge.builder("presencesync.xmpp.connected", health, h -> federation(h, link).map(f -> FederationState.CONNECTED.equals(f.state()) ? 1.0 : 0.0).orElse(0.0))
                .description("1 while this node holds the XMPP component link and it is connected").tag("link", link).register(registry);
        Gauge.builder("presencesync.xmpp.subscriptions", health, h -> federation(h, link).map(f -> (double) f.subscribers()).orElse(0.0))
                .description("Subscriptions held by the XMPP component (contacts x subscribers)").tag("link", link).register(registry);
        Gauge.builder("presencesync.xmpp.waiting.contacts", health, h -> federation(h, link).map(f -> (double) f.waiting()).orElse(0.0))
                .description("Contacts whose presence waits to be sent to their subscribers").tag("link", link).register(registry);
        FunctionCounter.builder("presencesync.xmpp.stanzas.out", health, h -> federation(h, link).map(f -> (double) f.stanzasOut()).orElse(0.0))
                .description("Stanzas the XMPP component sent").tag("link", link).register(registry);
        FunctionCounter.builder("presencesync.xmpp.reconnects", health, h -> federation(h, link).map(f -> (double) f.reconnects()).orElse(0.0))
                .description("Connections of the XMPP component made after the first").tag("link", link).register(registry);
    }

    private static java.util.Optional<FederationState> federation(ServiceHealth health, String link) {
        return health.federation().stream().filter(f -> f.name().equals(link)).findFirst();
    }

    private static double publisherUp(ServiceHealth health, String name) {
        return health.publishers().stream().anyMatch(p -> p.name().equals(name) && p.healthy()) ? 1 : 0;
    }

    private static double epochSeconds(java.time.Instant at) {
        return at == null ? Double.NaN : at.toEpochMilli() / 1000.0;
    }

    @Override
    public void close() { gc.close(); }
}
