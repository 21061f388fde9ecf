package io.podtrail.ingest.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.podtrail.event.Event;
import io.podtrail.ingest.EventSink;
import io.podtrail.ingest.EventSource;
import io.podtrail.ingest.Rejection;
import io.podtrail.ingest.TetragonSources;
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
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Tetragon parsing throughput, events/s on one thread: {@value #LINES} copies of one JSON line per
 * invocation, read from memory through {@link EventSource#read} (line splitting included) into a
 * counting sink. {@code impl=stream} is the production adapter, {@code impl=tree} the original
 * Jackson tree-model path.
 *
 * <p>Run: {@code JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 ./mvnw -q test-compile dependency:build-classpath
 * -Dmdep.outputFile=target/test-cp.txt -Dmdep.includeScope=test && $JAVA_HOME/bin/java -cp
 * target/test-classes:target/classes:$(cat target/test-cp.txt) io.podtrail.ingest.bench.TetragonParseBenchmark}
 * (optional arguments: a JMH include regex; system property podtrail.fixtures = fixtures directory).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-XX:+UseParallelGC"})
@Threads(1)
public class TetragonParseBenchmark {

    static final int LINES = 2000;

    @Param({"process_exec", "process_exit", "tcp_connect"})
    public String kind;

    @Param({"stream", "tree"})
    public String impl;

    private byte[] input;
    private EventSource source;
    private CountingSink sink;

    @Setup(Level.Trial)
    public void setup(Blackhole bh) throws IOException {
        String line = line(kind);
        byte[] l = (line + "\n").getBytes(StandardCharsets.UTF_8);
        input = new byte[l.length * LINES];
        for (int i = 0; i < LINES; i++) {
            System.arraycopy(l, 0, input, i * l.length, l.length);
        }
        source = impl.equals("tree") ? TetragonSources.treeModel() : TetragonSources.streaming();
        sink = new CountingSink(bh);
        source.read(new ByteArrayInputStream(input), "bench", sink);
        if (sink.events != LINES || sink.rejections != 0) {
            throw new IllegalStateException(kind + "/" + impl + ": " + sink.events + " events, " + sink.rejections + " rejections");
        }
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public long parse() throws IOException {
        source.read(new ByteArrayInputStream(input), "bench", sink);
        return sink.events;
    }

    /** The real 1.7 KB process_exec line of testdata_events.json, and exit / tcp_connect lines built around its process. */
    static String line(String kind) throws IOException {
        Path p = Path.of(System.getProperty("podtrail.fixtures", "../shared/fixtures"), "tetragon", "testdata_events.json");
        String exec = Files.readAllLines(p).get(0).trim();
        if (kind.equals("process_exec")) {
            return exec;
        }
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = (ObjectNode) m.readTree(exec);
        ObjectNode body = (ObjectNode) root.remove("process_exec");
        ObjectNode out = m.createObjectNode();
        ObjectNode b = out.putObject(kind.equals("process_exit") ? "process_exit" : "process_kprobe");
        b.set("process", body.get("process"));
        b.set("parent", body.get("parent"));
        if (kind.equals("process_exit")) {
            b.put("signal", "SIGTERM");
            b.put("status", 0);
            b.put("time", "2022-10-18T03:16:25.120431237Z");
        } else {
            b.put("function_name", "tcp_connect");
            ObjectNode sock = b.putArray("args").addObject().putObject("sock_arg");
            sock.put("family", "AF_INET").put("type", "SOCK_STREAM").put("protocol", "IPPROTO_TCP")
                    .put("mark", 0).put("priority", 0).put("saddr", "10.244.1.23").put("daddr", "142.250.180.196")
                    .put("sport", 41762).put("dport", 443).put("cookie", "18446635887329712960").put("state", "TCP_SYN_SENT");
            b.put("action", "KPROBE_ACTION_POST");
            b.put("policy_name", "monitor-network-activity-outside-cluster");
        }
        out.put("node_name", "my-node");
        out.put("time", "2022-10-18T03:16:25.120431237Z");
        return m.writeValueAsString(out);
    }

    static final class CountingSink implements EventSink {
        final Blackhole bh;
        long events;
        long rejections;

        CountingSink(Blackhole bh) {
            this.bh = bh;
        }

        @Override
        public void accept(Event event) {
            events++;
            bh.consume(event);
        }

        @Override
        public void reject(Rejection rejection) {
            rejections++;
        }
    }

    public static void main(String[] args) throws RunnerException {
        OptionsBuilder o = new OptionsBuilder();
        o.include(TetragonParseBenchmark.class.getSimpleName() + (args.length > 0 ? args[0] : ""));
        String fx = System.getProperty("podtrail.fixtures");
        if (fx != null) {
            o.jvmArgsAppend("-Dpodtrail.fixtures=" + fx);
        }
        Options opts = o.build();
        new Runner(opts).run();
    }
}
