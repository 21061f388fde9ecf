package io.podtrail.detect;

import java.util.List;

/**
 * What became of one rule of a rules file: what {@code podtrail rules check} prints.
 *
 * @param status loaded, disabled (enabled: false), skipped (needs a field or feature Podtrail does not have,
 *               or another event source), error (the rule is invalid)
 * @param reason why it is not loaded (empty when loaded)
 * @param missingFields the catalogue fields it needs that Podtrail does not have
 */
public record RuleStatus(String rule, String file, int line, String source, Status status, String reason,
                         List<String> missingFields) {

    public RuleStatus {
        missingFields = List.copyOf(missingFields);
    }

    public enum Status {
        LOADED, DISABLED, SKIPPED, ERROR;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
