package io.podtrail.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.podtrail.event.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Falco's own syscall macros (from falco_rules.yaml and falco-sandbox_rules.yaml, loaded unchanged) evaluate
 * on Podtrail's events as Falco means them: one probe rule per macro over native events.
 */
class FalcoMacrosTest {

    static final List<String> MACROS = List.of("spawned_process", "container", "shell_procs", "container_entrypoint",
            "interactive", "outbound", "inbound", "open_write", "open_read");

    static final String EVENTS = """
            - {podtrail.id: 1, evt.time: 1700000000000000000, evt.type: execve, proc.pid: 1, proc.name: bash, proc.pname: containerd-shim, container.id: 19a02291e106}
            - {podtrail.id: 2, evt.time: 1700000000000000000, evt.type: execve, proc.pid: 2, proc.name: vim, proc.pname: bash, podtrail.ancestors: [bash, sshd, systemd], container.id: host}
            - {podtrail.id: 3, evt.time: 1700000000000000000, evt.type: connect, proc.pid: 3, proc.name: curl, fd.cip: 10.244.1.5, fd.cport: 40000, fd.sip: 198.51.100.23, fd.sport: 443, fd.l4proto: tcp, container.id: 19a02291e106}
            - {podtrail.id: 4, evt.time: 1700000000000000000, evt.type: connect, proc.pid: 4, proc.name: curl, fd.cip: 10.244.1.5, fd.cport: 40001, fd.sip: 10.96.0.10, fd.sport: 53, fd.l4proto: udp, container.id: 19a02291e106}
            - {podtrail.id: 5, evt.time: 1700000000000000000, evt.type: accept, proc.pid: 5, proc.name: nginx, fd.cip: 198.51.100.23, fd.cport: 40002, fd.sip: 10.244.1.5, fd.sport: 80, fd.l4proto: tcp, container.id: 19a02291e106}
            - {podtrail.id: 6, evt.time: 1700000000000000000, evt.type: openat, podtrail.kind: file, proc.pid: 6, proc.name: sh, fd.name: /etc/passwd, evt.args: {flags: O_WRONLY|O_CREAT}, container.id: 19a02291e106}
            - {podtrail.id: 7, evt.time: 1700000000000000000, evt.type: openat, podtrail.kind: file, proc.pid: 7, proc.name: cat, fd.name: /etc/shadow, evt.args: {flags: O_RDONLY}, container.id: 19a02291e106}
            - {podtrail.id: 8, evt.time: 1700000000000000000, podtrail.kind: k8s_api, evt.type: create, ka.verb: create}
            """;

    @Test
    void falcoMacrosMatchPodtrailEvents() throws Exception {
        Path fx = Path.of(System.getProperty("podtrail.fixtures", "../shared/fixtures"));
        Path rules = fx.resolve("falco-rules/falco_rules.yaml");
        Path sandbox = fx.resolve("falco-rules/falco-sandbox_rules.yaml");
        Assumptions.assumeTrue(Files.isRegularFile(rules) && Files.isRegularFile(sandbox), "Falco rules fixtures absent");
        StringBuilder probes = new StringBuilder();
        for (String m : MACROS) {
            probes.append("- rule: probe ").append(m).append("\n  desc: x\n  condition: ").append(m)
                    .append("\n  output: x\n  priority: DEBUG\n");
        }
        RuleSet set = RuleLoader.load(RuleLoader.RulesFile.of(rules), RuleLoader.RulesFile.of(sandbox),
                new RuleLoader.RulesFile("probes.yaml", probes.toString()));
        assertThat(set.statuses()).filteredOn(s -> s.rule().startsWith("probe ")).allSatisfy(s ->
                assertThat(s.status()).as(s.rule() + ": " + s.reason()).isEqualTo(RuleStatus.Status.LOADED));
        RuleEngine engine = RuleEngine.of(set);
        Map<String, Set<Long>> fired = new TreeMap<>();
        MACROS.forEach(m -> fired.put(m, new TreeSet<>()));
        List<Event> events = RuleCasesTest.events(new ObjectMapper(new YAMLFactory()).readTree(EVENTS));
        for (Event e : events) {
            for (PolicyEvent p : engine.detect(e)) {
                if (p.rule().startsWith("probe ")) {
                    fired.get(p.rule().substring(6)).add(p.eventId());
                }
            }
        }
        Map<String, Set<Long>> expected = new TreeMap<>(Map.of(
                "spawned_process", Set.of(1L, 2L),
                "container", Set.of(1L, 3L, 4L, 5L, 6L, 7L),
                "shell_procs", Set.of(1L, 6L),
                "container_entrypoint", Set.of(1L, 3L, 4L, 5L, 6L, 7L), // no proc.pname: Falco's 'not proc.pname exists'
                "interactive", Set.of(2L),
                "outbound", Set.of(3L),
                "inbound", Set.of(5L),
                "open_write", Set.of(6L),
                "open_read", Set.of(7L)));
        Map<String, Set<Long>> actual = new TreeMap<>();
        fired.forEach((k, v) -> actual.put(k, new TreeSet<>(v)));
        Map<String, Set<Long>> exp = new TreeMap<>();
        expected.forEach((k, v) -> exp.put(k, new TreeSet<>(v)));
        assertThat(actual).isEqualTo(exp);
        assertThat(new ArrayList<>(events)).hasSize(8);
    }
}
