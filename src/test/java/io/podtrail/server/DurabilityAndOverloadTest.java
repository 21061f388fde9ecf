package io.podtrail.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** What a sender relies on: acknowledged means durable, and overload is refused rather than buffered. */
class DurabilityAndOverloadTest {

    @TempDir
    Path tmp;

    static final int BATCH = 20;

    static String batch(String ns, int b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < BATCH; i++) {
            s.append(ServerApiTest.nativeEvent(ns, "p", b * BATCH + i, "d")).append('\n');
        }
        return s.toString();
    }

    static Set<Long> storedPids(Api api, String token, String ns) {
        JsonNode page = api.events(token, "k8s.ns.name = " + ns, 10_000).json();
        Set<Long> pids = new HashSet<>();
        List<Long> all = new ArrayList<>();
        page.get("events").forEach(e -> all.add(e.get("proc.pid").asLong()));
        pids.addAll(all);
        assertThat(all).as("no event stored twice").hasSameSizeAs(pids);
        return pids;
    }

    static Set<Long> pidsOf(Set<Integer> batches) {
        Set<Long> s = new HashSet<>();
        for (int b : batches) {
            for (int i = 0; i < BATCH; i++) {
                s.add((long) b * BATCH + i);
            }
        }
        return s;
    }

    /** A server in a child JVM, as in production. */
    static final class Child implements AutoCloseable {
        final Process process;
        final CompletableFuture<String> url = new CompletableFuture<>();

        Child(Path data) throws IOException {
            String java = ProcessHandle.current().info().command()
                    .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xmx512m",
                    "-cp", System.getProperty("java.class.path"), "io.podtrail.cli.Main",
                    "serve", "--data", data.toString(), "--listen", "127.0.0.1:0");
            pb.redirectErrorStream(true);
            process = pb.start();
            Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        int i = line.indexOf("listening on ");
                        if (i >= 0) {
                            url.complete(line.substring(i + 13).split(" ")[0]);
                        }
                    }
                } catch (IOException ignored) {
                    // the process was killed
                }
                url.completeExceptionally(new IllegalStateException("server exited before listening"));
            });
        }

        String url() throws Exception {
            return url.get(60, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyAcknowledgedEventSurvivesSigkillAndResendingCreatesNoDuplicates() throws Exception {
        Path data = tmp.resolve("data");
        Set<Integer> acked = ConcurrentHashMap.newKeySet();
        Set<Integer> unacked = ConcurrentHashMap.newKeySet();
        AtomicInteger next = new AtomicInteger();
        String token;
        try (Child child = new Child(data)) {
            Api api = new Api(child.url());
            token = Files.readString(data.resolve("admin.token")).trim();
            String t = token;
            List<Thread> senders = new ArrayList<>();
            for (int s = 0; s < 3; s++) {
                senders.add(Thread.ofPlatform().start(() -> {
                    while (true) {
                        int b = next.getAndIncrement();
                        try {
                            Api.Reply r = api.post("/api/v1/ingest/events", t, batch("dur", b));
                            (r.status() == 200 ? acked : unacked).add(b);
                        } catch (UncheckedIOException e) {
                            unacked.add(b); // connection died with the server: not acknowledged
                            return;
                        }
                    }
                }));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (acked.size() < 40 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            child.process.destroyForcibly(); // SIGKILL mid-stream
            child.process.waitFor(30, TimeUnit.SECONDS);
            for (Thread s : senders) {
                s.join(30_000);
            }
        }
        assertThat(acked).hasSizeGreaterThanOrEqualTo(40);
        assertThat(unacked).isNotEmpty();

        try (Child again = new Child(data)) {
            Api api = new Api(again.url());
            Set<Long> stored = storedPids(api, token, "dur");
            assertThat(stored).as("every acknowledged event is there").containsAll(pidsOf(acked));
            for (int b : unacked) {
                assertThat(api.post("/api/v1/ingest/events", token, batch("dur", b)).status()).isEqualTo(200);
            }
            // re-sending an acknowledged batch stores nothing new either
            int first = acked.iterator().next();
            Api.Reply again1 = api.post("/api/v1/ingest/events", token, batch("dur", first));
            assertThat(again1.json().get("duplicates").asInt()).isEqualTo(BATCH);
            Set<Long> after = storedPids(api, token, "dur");
            Set<Integer> all = new HashSet<>(acked);
            all.addAll(unacked);
            assertThat(after).isEqualTo(pidsOf(all));
        }
    }

    @Test
    void overloadIsRefusedWith429AndRetryAfterAndNothingAcknowledgedIsLost() throws Exception {
        ServerConfig c = ServerConfig.defaults(tmp.resolve("over")).withListen("127.0.0.1:0")
                .withLimits(1 << 20, 1, BATCH, 1000);
        try (PodtrailServer server = PodtrailServer.start(c)) {
            Api api = new Api(server.url());
            String token = Files.readString(tmp.resolve("over/admin.token")).trim();
            Set<Integer> acked = ConcurrentHashMap.newKeySet();
            AtomicInteger refused = new AtomicInteger();
            AtomicBoolean retryAfter = new AtomicBoolean(true);
            AtomicInteger next = new AtomicInteger();
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2500);
            List<Thread> senders = new ArrayList<>();
            for (int s = 0; s < 12; s++) {
                senders.add(Thread.ofVirtual().start(() -> {
                    while (System.nanoTime() < until) {
                        int b = next.getAndIncrement();
                        Api.Reply r = api.post("/api/v1/ingest/events", token, batch("over", b));
                        if (r.status() == 200) {
                            acked.add(b);
                        } else if (r.status() == 429 || r.status() == 503) {
                            refused.incrementAndGet();
                            if (r.header("Retry-After") == null) {
                                retryAfter.set(false);
                            }
                        } else {
                            throw new AssertionError(r.status() + " " + r.body());
                        }
                    }
                }));
            }
            for (Thread t : senders) {
                t.join();
            }
            assertThat(refused.get()).as("some requests refused").isPositive();
            assertThat(retryAfter).isTrue();
            assertThat(acked).isNotEmpty();
            assertThat(storedPids(api, token, "over")).containsAll(pidsOf(acked));
            assertThat(api.get("/metrics", null).body()).contains("podtrail_ingest_overloaded_total{source=\"events\"}");
        }
    }
}
