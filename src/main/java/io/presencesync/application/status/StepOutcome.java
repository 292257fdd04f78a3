package io.presencesync.application.status;

/**
 * How one run of a sync step ended: it reached its source ({@code problem} null), or the source
 * gave no answer at all (network, throttling, 5xx, an exception), named by {@code problem}.
 */
public record StepOutcome(String problem) {

    public static final StepOutcome OK = new StepOutcome(null);

    public static StepOutcome failed(String problem) {
        return new StepOutcome(problem == null || problem.isBlank() ? "failed without a message" : problem);
    }

    public boolean ok() { return problem == null; }
}
