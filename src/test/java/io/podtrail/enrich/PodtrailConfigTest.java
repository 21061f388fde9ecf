package io.podtrail.enrich;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PodtrailConfigTest {

    static final String EXAMPLE = """
            cluster:
              name: prod-eu-1
              podCidrs: [10.244.0.0/16]
              serviceCidrs:
                - 10.96.0.0/12
            trusted:
              cidrs: [52.94.0.0/16, "2001:db8::/32"]
              domains: [api.stripe.com]
            learning:
              period: 24h
            """;

    @Test
    void parsesEveryKey() throws Exception {
        PodtrailConfig c = PodtrailConfig.parse(EXAMPLE, "podtrail.yaml");
        assertThat(c).isEqualTo(new PodtrailConfig("prod-eu-1", List.of("10.244.0.0/16"), List.of("10.96.0.0/12"),
                List.of("52.94.0.0/16", "2001:db8::/32"), List.of("api.stripe.com"), Duration.ofHours(24)));
    }

    @Test
    void defaultsWhenEmptyOrAbsent(@TempDir Path dir) throws Exception {
        assertThat(PodtrailConfig.parse("", "x")).isEqualTo(PodtrailConfig.DEFAULTS);
        assertThat(PodtrailConfig.forDataDir(dir)).isEqualTo(PodtrailConfig.DEFAULTS);
        Files.writeString(dir.resolve("podtrail.yaml"), "learning:\n  period: 7d\n");
        assertThat(PodtrailConfig.forDataDir(dir).learningPeriod()).isEqualTo(Duration.ofDays(7));
        assertThat(PodtrailConfig.parseDuration("PT90M")).isEqualTo(Duration.ofMinutes(90));
    }

    @Test
    void badCidrNamesKeyAndLine() {
        assertThatThrownBy(() -> PodtrailConfig.parse("cluster:\n  name: a\ntrusted:\n  cidrs: [52.94.0.0/16, 300.1.1.0/8]\n", "p.yaml"))
                .isInstanceOf(PodtrailConfig.ConfigException.class)
                .hasMessage("p.yaml:4: trusted.cidrs: '300.1.1.0/8' is not a CIDR (address/prefix length)");
    }

    @Test
    void unknownKeyAndBadDurationAndBadShape() {
        assertThatThrownBy(() -> PodtrailConfig.parse("cluster:\n  nmae: a\n", "p.yaml"))
                .hasMessage("p.yaml:2: cluster.nmae: unknown key (expected one of name, podCidrs, serviceCidrs)");
        assertThatThrownBy(() -> PodtrailConfig.parse("learning:\n  period: soon\n", "p.yaml"))
                .hasMessage("p.yaml:2: learning.period: 'soon' is not a positive duration (e.g. 90s, 30m, 24h, 7d or PT24H)");
        assertThatThrownBy(() -> PodtrailConfig.parse("trusted:\n  cidrs: 10.0.0.0/8\n", "p.yaml"))
                .hasMessage("p.yaml:2: trusted.cidrs: expected a list of CIDRs, e.g. [10.0.0.0/8]");
        assertThatThrownBy(() -> PodtrailConfig.parse("trusted: [a\n", "p.yaml"))
                .isInstanceOf(PodtrailConfig.ConfigException.class).hasMessageStartingWith("p.yaml:");
        assertThatThrownBy(() -> PodtrailConfig.parse("tursted:\n  cidrs: []\n", "p.yaml"))
                .hasMessage("p.yaml:1: tursted: unknown section (expected cluster, trusted or learning)");
    }
}
