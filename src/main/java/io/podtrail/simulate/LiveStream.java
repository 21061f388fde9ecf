package io.podtrail.simulate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Streams a simulated cluster live to a Podtrail server: the simulation window starts now and advances in real
 * time (each line is held until its own timestamp), Tetragon lines are POSTed in batches (every second or
 * every 1000 lines), audit events as EventList bodies. Runs for {@code limit}, or, without one, until
 * {@link #stop()}: in consecutive 24-hour windows, the first with {@code seed}, the next with seed+1, ...
 */
public final class LiveStream {

    static final int BATCH_LINES = 1000;
    static final long BATCH_NANOS = 1_000_000_000L;

    private final IngestClient client;
    private final long seed;
    private final int nodes;
    private final double rate;
    private final Set<Story> stories;
    private final Duration limit;
    private final boolean falco;
    private final java.io.StringWriter falcoOut = new java.io.StringWriter();
    private FalcoAlerts alerts;

    private volatile boolean stopped;
    private volatile Thread runner;
    private final AtomicLong tetragonSent = new AtomicLong(), auditSent = new AtomicLong();

    private final StringBuilder tBatch = new StringBuilder(1 << 16);
    private int tLines;
    private final List<String> aBatch = new ArrayList<>();
    private long lastFlush = System.nanoTime();

    public LiveStream(IngestClient client, long seed, int nodes, double rate, Set<Story> stories, Duration limit) {
        this(client, seed, nodes, rate, stories, limit, false);
    }

    /** @param falco send the activity as the Falco alerts of Podtrail's catch-all rules instead of Tetragon lines */
    public LiveStream(IngestClient client, long seed, int nodes, double rate, Set<Story> stories, Duration limit, boolean falco) {
        this.falco = falco;
        this.client = client;
        this.seed = seed;
        this.nodes = nodes;
        this.rate = rate;
        this.stories = stories;
        this.limit = limit;
    }

    /** Thrown through the simulator to end a run early. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super(null, null, false, false);
        }
    }

    /** Simulates and sends until the limit or {@link #stop()}; sends what is batched before returning. */
    public void run() throws IOException, InterruptedException {
        runner = Thread.currentThread();
        Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Duration window = limit != null ? limit : Duration.ofHours(24);
        try {
            for (long i = 0; !stopped; i++) {
                SimulationConfig cfg = new SimulationConfig(seed + i, nodes, start, window, rate, stories);
                new ClusterSimulator(cfg).run(new Paced(false), new Paced(true));
                start = start.plus(window);
                if (limit != null) {
                    break;
                }
            }
        } catch (Stopped e) {
            // stop() was called
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (SendFailed e) {
            throw e.cause;
        }
        Thread.interrupted(); // stop() may have interrupted this thread: clear it so the last batches can be sent
        flushBatches();
    }

    /** Asks {@link #run()} to end: it sends what is batched and returns. */
    public void stop() {
        stopped = true;
        Thread t = runner;
        if (t != null) {
            t.interrupt();
        }
    }

    public long tetragonSent() {
        return tetragonSent.get();
    }

    public long auditSent() {
        return auditSent.get();
    }

    private static final class SendFailed extends RuntimeException {
        final IOException cause;

        SendFailed(IOException cause) {
            super(cause.getMessage(), cause, false, false);
            this.cause = cause;
        }
    }

    private void line(String line, boolean audit) {
        long t = timestampNanos(line, audit);
        while (true) {
            if (stopped) throw new Stopped();
            long now = nowNanos();
            if (System.nanoTime() - lastFlush >= BATCH_NANOS) {
                flushBatchesOrStop();
            }
            if (t <= now) break;
            try {
                Thread.sleep(Math.min(200, Math.max(1, (t - now) / 1_000_000)));
            } catch (InterruptedException e) {
                throw new Stopped();
            }
        }
        if (audit) {
            aBatch.add(line);
        } else if (falco) {
            tLines += toFalco(line);
        } else {
            tBatch.append(line).append('\n');
            tLines++;
        }
        if (tLines >= BATCH_LINES || aBatch.size() >= BATCH_LINES) {
            flushBatchesOrStop();
        }
    }

    /** The alerts the catch-all rules raise for one Tetragon line, appended to the batch; returns how many. */
    private int toFalco(String tetragonLine) {
        try {
            if (alerts == null) {
                alerts = new FalcoAlerts(falcoOut);
            }
            int[] n = {0};
            io.podtrail.ingest.Formats.forFormat(io.podtrail.event.SourceFormat.TETRAGON).read(
                    new java.io.ByteArrayInputStream(tetragonLine.getBytes(java.nio.charset.StandardCharsets.UTF_8)), "simulator",
                    new io.podtrail.ingest.EventSink() {
                        @Override
                        public void accept(io.podtrail.event.Event e) {
                            try {
                                if (alerts.write(e)) {
                                    n[0]++;
                                }
                            } catch (IOException ex) {
                                throw new UncheckedIOException(ex);
                            }
                        }

                        @Override
                        public void reject(io.podtrail.ingest.Rejection r) {
                            throw new IllegalStateException("simulated Tetragon line rejected: " + r.reason());
                        }
                    });
            alerts.flush();
            tBatch.append(falcoOut.getBuffer());
            falcoOut.getBuffer().setLength(0);
            return n[0];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void flushBatchesOrStop() {
        try {
            flushBatches();
        } catch (InterruptedException e) {
            throw new Stopped();
        } catch (IOException e) {
            throw new SendFailed(e);
        }
    }

    private void flushBatches() throws IOException, InterruptedException {
        lastFlush = System.nanoTime();
        // a batch is dropped from the buffer only once the server has it (an interrupted send is sent again)
        if (tLines > 0) {
            if (falco) {
                client.postFalco(tBatch.toString());
            } else {
                client.postTetragon(tBatch.toString());
            }
            tetragonSent.addAndGet(tLines);
            tBatch.setLength(0);
            tLines = 0;
        }
        if (!aBatch.isEmpty()) {
            client.postAudit(aBatch);
            auditSent.addAndGet(aBatch.size());
            aBatch.clear();
        }
    }

    private static long nowNanos() {
        Instant n = Instant.now();
        return n.getEpochSecond() * 1_000_000_000L + n.getNano();
    }

    /** The event time of a simulated line: Tetragon's top-level time (last in the line), audit's stageTimestamp. */
    static long timestampNanos(String line, boolean audit) {
        String key = audit ? "\"stageTimestamp\":\"" : "\"time\":\"";
        int i = line.lastIndexOf(key);
        if (i < 0) return 0;
        int from = i + key.length();
        int to = line.indexOf('"', from);
        Instant t = Instant.parse(line.substring(from, to));
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /** Receives the simulator's lines (each write is one whole line ending in a newline). */
    private final class Paced extends Writer {
        private final boolean audit;
        private final StringBuilder pending = new StringBuilder();

        Paced(boolean audit) {
            this.audit = audit;
        }

        @Override
        public void write(char[] cbuf, int off, int len) {
            pending.append(cbuf, off, len);
            int nl;
            while ((nl = pending.indexOf("\n")) >= 0) {
                String l = pending.substring(0, nl);
                pending.delete(0, nl + 1);
                if (!l.isBlank()) {
                    line(l, audit);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
