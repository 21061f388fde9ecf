package io.podtrail.detect.bench;

import io.podtrail.detect.DefaultRules;
import io.podtrail.detect.PolicyEvent;
import io.podtrail.detect.RuleEngine;
import io.podtrail.detect.RuleLoader;
import io.podtrail.detect.RuleSet;
import io.podtrail.event.Event;
import io.podtrail.event.SourceFormat;
import io.podtrail.ingest.EventSink;
import io.podtrail.ingest.Formats;
import io.podtrail.ingest.Rejection;
import io.podtrail.simulate.ClusterSimulator;
import io.podtrail.simulate.SimulationConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Rule evaluation throughput, events/s on one thread (one core): the default policy set plus Falco's stable
 * falco_rules.yaml (from the shared fixtures, system property podtrail.fixtures; the defaults alone when absent)
 * over {@value #EVENTS} events of a simulated cluster (Tetragon export and audit log, all stories, read through
 * the real adapters, not enriched).
 *
 * <p>{@code index=evt_type} is the engine as it runs: rules indexed by event source and by the evt.type values
 * their condition requires (what Falco does). {@code index=none} is the baseline a user would get by running
 * every rule's compiled filter on every event of its source (e.g. one query per rule).
 *
 * <p>Run: {@code JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 ./mvnw -q test-compile dependency:build-classpath
 * -Dmdep.outputFile=target/test-cp.txt -Dmdep.includeScope=test && $JAVA_HOME/bin/java
 * -Dpodtrail.fixtures=../shared/fixtures -cp target/test-classes:target/classes:$(cat target/test-cp.txt)
 * io.podtrail.detect.bench.RuleEvalBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "-XX:+UseParallelGC"})
@Threads(1)
public class RuleEvalBenchmark {

    static final int EVENTS = 50_000;

    @Param({"evt_type", "none"})
    public String index;

    private List<Event> events;
    private RuleEngine engine;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        events = simulatedEvents();
        RuleSet rules = rules();
        engine = new RuleEngine(rules.rules(), index.equals("evt_type"));
        System.err.printf("%n%d rules loaded, %d events (%s)%n", rules.rules().size(), events.size(), index);
    }

    static RuleSet rules() throws IOException {
        List<RuleLoader.RulesFile> files = new ArrayList<>();
        files.add(DefaultRules.file());
        Path falco = Path.of(System.getProperty("podtrail.fixtures", "../shared/fixtures"), "falco-rules/falco_rules.yaml");
        if (Files.isRegularFile(falco)) {
            files.add(RuleLoader.RulesFile.of(falco));
        }
        return RuleLoader.load(files);
    }

    static List<Event> simulatedEvents() throws IOException {
        Path dir = Files.createTempDirectory("podtrail-rule-bench");
        new ClusterSimulator(SimulationConfig.defaults(3).withDuration(Duration.ofMinutes(30)).withEventsPerSecond(40)).write(dir);
        List<Event> out = new ArrayList<>();
        EventSink sink = new EventSink() {
            @Override
            public void accept(Event event) {
                if (out.size() < EVENTS) {
                    out.add(event);
                }
            }

            @Override
            public void reject(Rejection rejection) {
            }
        };
        try (InputStream in = Files.newInputStream(dir.resolve("k8s-audit.jsonl"))) {
            Formats.forFormat(SourceFormat.K8S_AUDIT).read(in, "audit", sink);
        }
        try (InputStream in = Files.newInputStream(dir.resolve("tetragon.jsonl"))) {
            Formats.forFormat(SourceFormat.TETRAGON).read(in, "tetragon", sink);
        }
        return out;
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void evaluate(Blackhole bh) {
        for (int i = 0; i < events.size(); i++) {
            List<PolicyEvent> hits = engine.detect(events.get(i));
            bh.consume(hits);
        }
    }

    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(args.length > 0 ? args[0] : RuleEvalBenchmark.class.getSimpleName())
                .jvmArgsAppend("-Dpodtrail.fixtures=" + System.getProperty("podtrail.fixtures", "../shared/fixtures"))
                .build()).run();
    }
}
