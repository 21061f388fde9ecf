package io.podtrail.server;

import io.podtrail.event.Event;
import io.podtrail.pipeline.TrailWriter;
import io.podtrail.store.EventStore;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Group commit: ingest requests queue their parsed events here; one writer thread takes every request
 * waiting (up to {@code commitEvents} events), appends them to the store in one call (durable when it
 * returns) and then completes each request's future. Bounded by requests and by events: {@link #submit}
 * returns null instead of queueing past either bound, and the caller answers 429.
 */
final class GroupCommitter implements AutoCloseable {

    /**
     * The outcome of the commit a request took part in.
     *
     * @param requests how many requests shared the commit
     * @param events   how many events the commit had
     * @param store    what the store reported for the whole commit
     */
    record Commit(int requests, long events, EventStore.AppendResult store) {
    }

    private record Pending(List<Event> events, CompletableFuture<Commit> done) {
    }

    private final TrailWriter trail;
    private final BlockingQueue<Pending> queue;
    private final long maxEvents;
    private final int commitEvents;
    private final Metrics metrics;
    private final AtomicLong pendingEvents = new AtomicLong();
    private final Thread writer;
    private volatile boolean closing;
    private volatile Throwable failure;

    GroupCommitter(TrailWriter trail, int maxRequests, long maxEvents, int commitEvents, Metrics metrics) {
        this.trail = trail;
        this.queue = new ArrayBlockingQueue<>(maxRequests);
        this.maxEvents = maxEvents;
        this.commitEvents = commitEvents;
        this.metrics = metrics;
        metrics.gauges(queue::size, pendingEvents::get);
        this.writer = Thread.ofPlatform().name("podtrail-group-commit").start(this::run);
    }

    /** Queues events for the next commit, or returns null when the queue is full (or closing). */
    CompletableFuture<Commit> submit(List<Event> events) {
        if (closing) {
            return null;
        }
        long n = events.size();
        long before = pendingEvents.getAndAdd(n);
        if (before > 0 && before + n > maxEvents) {
            pendingEvents.addAndGet(-n);
            return null;
        }
        Pending p = new Pending(events, new CompletableFuture<>());
        if (!queue.offer(p)) {
            pendingEvents.addAndGet(-n);
            return null;
        }
        return p.done;
    }

    boolean healthy() {
        return writer.isAlive() && failure == null && !closing;
    }

    private void run() {
        List<Pending> group = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        while (true) {
            Pending first;
            try {
                first = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                first = null;
            }
            if (first == null) {
                if (closing && queue.isEmpty()) {
                    return;
                }
                idle();
                continue;
            }
            group.add(first);
            events.addAll(first.events);
            Pending next;
            while ((next = queue.peek()) != null && events.size() + next.events.size() <= commitEvents) {
                queue.poll();
                group.add(next);
                events.addAll(next.events);
            }
            commit(group, events);
            group.clear();
            events = new ArrayList<>();
        }
    }

    private long lastIdle;

    /** Once a second without requests: the correlator decides what was waiting on later events. */
    private void idle() {
        long now = System.currentTimeMillis();
        if (now - lastIdle < 1000) {
            return;
        }
        lastIdle = now;
        try {
            trail.idle(now * 1_000_000L);
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    private void commit(List<Pending> group, List<Event> events) {
        long t0 = System.nanoTime();
        try {
            EventStore.AppendResult r = trail.write(events);
            double seconds = (System.nanoTime() - t0) / 1e9;
            metrics.commit(seconds, events.size(), r.stored(), r.duplicates(), r.merged());
            Commit c = new Commit(group.size(), events.size(), r);
            for (Pending p : group) {
                p.done.complete(c);
            }
        } catch (RuntimeException | Error e) {
            failure = e;
            for (Pending p : group) {
                p.done.completeExceptionally(e);
            }
        } finally {
            pendingEvents.addAndGet(-events.size());
        }
    }

    /** Stops taking requests, commits what is queued, and waits for the writer. */
    @Override
    public void close() {
        closing = true;
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // a request that slipped in after the writer's last look: refuse it rather than leave it waiting
        Pending p;
        while ((p = queue.poll()) != null) {
            pendingEvents.addAndGet(-p.events.size());
            p.done.completeExceptionally(new IllegalStateException("server shutting down"));
        }
    }
}
