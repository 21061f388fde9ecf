package io.podtrail.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Never a crash on a rules file: malformed items are errors with a location, the other rules load. */
class MalformedRulesTest {

    static final String GOOD = """
            - rule: Good
              desc: x
              condition: evt.type = execve
              output: ok %proc.name
              priority: NOTICE
            """;

    static final List<String> BAD = List.of(
            "- rule: A\n  desc: x\n  condition: [evt.type = execve]\n  output: x\n  priority: NOTICE\n",
            "- rule: B\n  desc: x\n  condition: evt.type = execve\n  output: x\n  priority: [NOTICE]\n",
            "- rule: C\n  desc: x\n  condition: evt.type = execve\n  output: {a: b}\n  priority: NOTICE\n",
            "- rule: D\n  desc: x\n  condition: evt.type = execve\n  output: x\n  priority: NOTICE\n  exceptions: {name: e}\n",
            "- rule: E\n  desc: x\n  condition: evt.type = execve\n  output: x\n  priority: NOTICE\n  exceptions:\n"
                    + "    - name: e\n      fields: [proc.name, proc.pname]\n      comps: [=]\n      values: [a, [b, c, d], {x: y}]\n",
            "- rule: F\n  desc: x\n  condition: evt.type = execve\n  output: x\n  priority: NOTICE\n  exceptions:\n"
                    + "    - name: e\n      values: [a]\n",
            "- rule: G\n  desc: x\n  condition: evt.type = execve\n  output: x\n  priority: NOTICE\n  tags: {a: b}\n",
            "- rule: H\n  desc: x\n  condition: evt.type = execve\n  output: x\n  priority: NOTICE\n  override: append\n",
            "- list: l\n  items: {a: b}\n",
            "- list: l2\n  items: [[a, b], c]\n",
            "- macro: [m]\n  condition: x\n",
            "- rule: I\n  desc: x\n  condition: evt.type = execve\n  output: x\n  priority: NOTICE\n"
                    + "  podtrail_after: {condition: evt.type = execve, same: no.such.field, within: forever}\n",
            "- rule: J\n  desc: x\n  condition: evt.type = execve and proc.name in (l2)\n  output: '%%%[%'\n  priority: NOTICE\n",
            "- 42\n",
            "just a string\n",
            "- rule: K\n  condition: \"\"\n  output: x\n  priority: NOTICE\n",
            "- rule: L\n  desc: x\n  condition: evt.type = execve\n  output: x\n  priority: NOTICE\n  enabled: maybe\n",
            "\t- broken: [yaml\n");

    @Test
    void malformedItemsNeverStopTheOthers() {
        for (String bad : BAD) {
            RuleSet set = RuleLoader.load(new RuleLoader.RulesFile("bad.yaml", bad), new RuleLoader.RulesFile("good.yaml", GOOD));
            assertThat(set.rules()).as(bad).extracting(Rule::name).contains("Good");
            assertThat(set.diagnostics()).as(bad).allSatisfy(d -> assertThat(d.file()).isNotBlank());
        }
    }
}
