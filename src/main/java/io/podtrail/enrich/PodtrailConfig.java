package io.podtrail.enrich;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Podtrail's configuration file, {@code podtrail.yaml} in the data directory (or a file given explicitly):
 * <pre>
 * cluster:
 *   name: prod-eu-1              # k8s.cluster.name of events from the default cluster
 *   podCidrs: [10.244.0.0/16]    # used when the nodes' podCIDRs cannot be discovered
 *   serviceCidrs: [10.96.0.0/12] # the API does not publish the service range: give it here
 * trusted:
 *   cidrs: [52.94.0.0/16]        # destinations that are known although outside the cluster
 *   domains: [api.stripe.com]    # resolved to addresses when the configuration is loaded (see docs/context.md)
 * learning:
 *   period: 24h                  # learned baseline: destinations a workload contacts in its first 24h are known
 *                                # (90s, 30m, 24h, 7d or ISO-8601 PT24H); no learning section: no baseline
 * </pre>
 * Every key is optional; an unknown key or a bad value is an error naming the key and its line.
 *
 * @param learningPeriod the learned baseline's window after a workload is first seen, or null when the
 *                       configuration has no {@code learning} section (no baseline: the default)
 */
public record PodtrailConfig(String clusterName, List<String> podCidrs, List<String> serviceCidrs,
                             List<String> trustedCidrs, List<String> trustedDomains, Duration learningPeriod) {

    public static final String FILE_NAME = "podtrail.yaml";
    public static final String DEFAULT_CLUSTER = "default";

    /** The configuration when there is no file: cluster "default", nothing trusted, no learned baseline. */
    public static final PodtrailConfig DEFAULTS = new PodtrailConfig(DEFAULT_CLUSTER, List.of(), List.of(), List.of(),
            List.of(), null);

    public PodtrailConfig {
        podCidrs = List.copyOf(podCidrs);
        serviceCidrs = List.copyOf(serviceCidrs);
        trustedCidrs = List.copyOf(trustedCidrs);
        trustedDomains = List.copyOf(trustedDomains);
    }

    /** A bad configuration: the message names the file, the line and the key. */
    public static final class ConfigException extends Exception {
        private final int line;
        private final String key;

        ConfigException(String origin, int line, String key, String message) {
            super(origin + ":" + line + ": " + (key == null ? "" : key + ": ") + message);
            this.line = line;
            this.key = key;
        }

        public int line() {
            return line;
        }

        public String key() {
            return key;
        }
    }

    /** {@code dataDir/podtrail.yaml} if it exists, else {@link #DEFAULTS}. */
    public static PodtrailConfig forDataDir(Path dataDir) throws IOException, ConfigException {
        Path f = dataDir.resolve(FILE_NAME);
        return Files.isRegularFile(f) ? load(f) : DEFAULTS;
    }

    public static PodtrailConfig load(Path file) throws IOException, ConfigException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    public static PodtrailConfig parse(String yaml, String origin) throws ConfigException {
        Builder b = new Builder();
        try (JsonParser p = new YAMLFactory().createParser(yaml)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return DEFAULTS;
            }
            expect(p, origin, null, JsonToken.START_OBJECT, "expected a mapping at the top");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String section = p.currentName();
                int line = line(p);
                p.nextToken();
                switch (section) {
                    case "cluster", "trusted", "learning" -> {
                        if (p.currentToken() == JsonToken.VALUE_NULL) {
                            continue;
                        }
                        expect(p, origin, section, JsonToken.START_OBJECT, "expected a mapping");
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String key = section + "." + p.currentName();
                            int keyLine = line(p);
                            p.nextToken();
                            switch (key) {
                                case "cluster.name" -> b.clusterName = scalar(p, origin, key);
                                case "cluster.podCidrs" -> b.podCidrs = cidrs(p, origin, key);
                                case "cluster.serviceCidrs" -> b.serviceCidrs = cidrs(p, origin, key);
                                case "trusted.cidrs" -> b.trustedCidrs = cidrs(p, origin, key);
                                case "trusted.domains" -> b.trustedDomains = strings(p, origin, key);
                                case "learning.period" -> b.learningPeriod = duration(p, origin, key);
                                default -> throw new ConfigException(origin, keyLine, key,
                                        "unknown key (expected one of " + known(section) + ")");
                            }
                        }
                    }
                    default -> throw new ConfigException(origin, line, section,
                            "unknown section (expected cluster, trusted or learning)");
                }
            }
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            throw new ConfigException(origin, l == null ? 0 : l.getLineNr(), null,
                    "not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(origin, 0, null, "cannot read: " + e.getMessage());
        }
        if (b.clusterName.isBlank()) {
            throw new ConfigException(origin, 0, "cluster.name", "must not be empty");
        }
        return new PodtrailConfig(b.clusterName, b.podCidrs, b.serviceCidrs, b.trustedCidrs, b.trustedDomains,
                b.learningPeriod);
    }

    private static final class Builder {
        String clusterName = DEFAULT_CLUSTER;
        List<String> podCidrs = List.of(), serviceCidrs = List.of(), trustedCidrs = List.of(), trustedDomains = List.of();
        Duration learningPeriod = DEFAULTS.learningPeriod();
    }

    private static String known(String section) {
        return switch (section) {
            case "cluster" -> "name, podCidrs, serviceCidrs";
            case "trusted" -> "cidrs, domains";
            default -> "period";
        };
    }

    private static int line(JsonParser p) {
        JsonLocation l = p.currentTokenLocation();
        return l == null ? 0 : l.getLineNr();
    }

    private static void expect(JsonParser p, String origin, String key, JsonToken want, String message)
            throws ConfigException {
        if (p.currentToken() != want) {
            throw new ConfigException(origin, line(p), key, message);
        }
    }

    private static String scalar(JsonParser p, String origin, String key) throws IOException, ConfigException {
        if (!p.currentToken().isScalarValue() || p.currentToken() == JsonToken.VALUE_NULL) {
            throw new ConfigException(origin, line(p), key, "expected a single value");
        }
        return p.getText().trim();
    }

    private static List<String> strings(JsonParser p, String origin, String key) throws IOException, ConfigException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return List.of();
        }
        expect(p, origin, key, JsonToken.START_ARRAY, "expected a list, e.g. [a, b]");
        List<String> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            out.add(scalar(p, origin, key));
        }
        return out;
    }

    private static List<String> cidrs(JsonParser p, String origin, String key) throws IOException, ConfigException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return List.of();
        }
        expect(p, origin, key, JsonToken.START_ARRAY, "expected a list of CIDRs, e.g. [10.0.0.0/8]");
        List<String> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            String c = scalar(p, origin, key);
            if (!c.contains("/") || !CidrSet.valid(c)) {
                throw new ConfigException(origin, line(p), key, "'" + c + "' is not a CIDR (address/prefix length)");
            }
            out.add(c);
        }
        return out;
    }

    private static Duration duration(JsonParser p, String origin, String key) throws IOException, ConfigException {
        String s = scalar(p, origin, key);
        Duration d = parseDuration(s);
        if (d == null || d.isNegative() || d.isZero()) {
            throw new ConfigException(origin, line(p), key,
                    "'" + s + "' is not a positive duration (e.g. 90s, 30m, 24h, 7d or PT24H)");
        }
        return d;
    }

    static Duration parseDuration(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("p")) {
            try {
                return Duration.parse(s.trim());
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        if (t.length() < 2) {
            return null;
        }
        String num = t.substring(0, t.length() - 1);
        if (!num.chars().allMatch(Character::isDigit) || num.isEmpty() || num.length() > 9) {
            return null;
        }
        long n = Long.parseLong(num);
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            case 'd' -> Duration.ofDays(n);
            default -> null;
        };
    }
}
