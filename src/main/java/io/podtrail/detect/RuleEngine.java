package io.podtrail.detect;

import io.podtrail.event.Event;
import io.podtrail.event.Fields;
import io.podtrail.query.FilterEvaluator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Evaluates loaded rules on events. Rules are indexed as Falco does: per event source, and per evt.type when
 * the condition requires one, so an event is only tested against the rules that can match it.
 *
 * <p>Sequence rules ({@code podtrail_after}) keep, per rule, the last time each key (e.g. a session id) matched
 * the earlier condition, for at most {@value #MAX_KEYS} keys (least recently seen dropped first).
 * Not thread-safe for detection (one writer thread); {@link #hits()} and {@link #stats()} may be read anywhere.
 */
public final class RuleEngine implements Detector {

    static final int MAX_KEYS = 10_000;

    private final List<Rule> rules;
    private final Map<String, Map<String, Rule[]>> bySourceAndType = new HashMap<>();
    private final Map<String, Rule[]> anyType = new HashMap<>();
    private final Rule[] sessionRules;
    private final Map<Rule, Sequence> sequences = new HashMap<>();
    private final Map<String, LongAdder> hits = new LinkedHashMap<>();
    private final LongAdder events = new LongAdder();
    private final LongAdder evaluations = new LongAdder();
    private final LongAdder raised = new LongAdder();
    private final LongAdder nanos = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final boolean indexed;

    public RuleEngine(List<Rule> rules) {
        this(rules, true);
    }

    /** @param indexed false evaluates every rule of the source on every event (the benchmark's baseline) */
    public RuleEngine(List<Rule> rules, boolean indexed) {
        this.rules = List.copyOf(rules);
        this.indexed = indexed;
        for (Rule r : rules) {
            hits.put(r.name(), new LongAdder());
            if (r.after() != null) {
                sequences.put(r, new Sequence(r.after()));
            }
        }
        Map<String, Set<String>> types = new HashMap<>();
        for (Rule r : rules) {
            if (r.eventTypes() != null) {
                types.computeIfAbsent(r.source(), s -> new TreeSet<>()).addAll(r.eventTypes());
            }
        }
        for (String source : RuleLoader.SOURCES) {
            anyType.put(source, rules.stream().filter(r -> r.source().equals(source)
                    && (!indexed || r.eventTypes() == null)).toArray(Rule[]::new));
            Map<String, Rule[]> m = new HashMap<>();
            for (String type : types.getOrDefault(source, Set.of())) {
                m.put(type, rules.stream().filter(r -> r.source().equals(source)
                        && (r.eventTypes() == null || r.eventTypes().contains(type))).toArray(Rule[]::new));
            }
            bySourceAndType.put(source, m);
        }
        this.sessionRules = rules.stream().filter(Rule::readsSession).toArray(Rule[]::new);
    }

    public static RuleEngine of(RuleSet set) {
        return new RuleEngine(set.rules());
    }

    public List<Rule> rules() {
        return rules;
    }

    /** The rules an event of this source and type is tested against. */
    Rule[] candidates(String source, String type) {
        if (source == null) {
            return new Rule[0];
        }
        if (indexed && type != null) {
            Map<String, Rule[]> m = bySourceAndType.get(source);
            Rule[] r = m == null ? null : m.get(type);
            if (r != null) {
                return r;
            }
        }
        Rule[] any = anyType.get(source);
        return any == null ? new Rule[0] : any;
    }

    @Override
    public List<PolicyEvent> detect(Event e) {
        return evaluate(e, candidates(e.getString(Fields.SOURCE), e.getString(Fields.TYPE)));
    }

    @Override
    public List<PolicyEvent> redetect(Event e) {
        return evaluate(e, sessionRules);
    }

    @Override
    public boolean readsSessions() {
        return sessionRules.length > 0;
    }

    private List<PolicyEvent> evaluate(Event e, Rule[] candidates) {
        long start = System.nanoTime();
        List<PolicyEvent> out = null;
        String source = e.getString(Fields.SOURCE);
        for (Rule r : candidates) {
            if (!r.source().equals(source)) {
                continue;
            }
            PolicyEvent p;
            try {
                Sequence seq = sequences.get(r);
                if (seq != null) {
                    seq.observe(e);
                }
                if (!r.predicate().test(e) || seq != null && !seq.precededBy(e)) {
                    continue;
                }
                p = new PolicyEvent(r.name(), r.priority(), r.tags(), r.output().format(e), e.time(), e.id(),
                        e.getString(Fields.SESSION_ID), r.source(), e);
            } catch (RuntimeException ex) {
                // a rule must never stop the writer: counted, and the event goes on to the other rules
                errors.increment();
                continue;
            }
            if (out == null) {
                out = new ArrayList<>(2);
            }
            out.add(p);
            hits.get(r.name()).increment();
        }
        events.increment();
        evaluations.add(candidates.length);
        nanos.add(System.nanoTime() - start);
        if (out == null) {
            return List.of();
        }
        raised.add(out.size());
        return out;
    }

    @Override
    public Map<String, Long> hits() {
        Map<String, Long> m = new LinkedHashMap<>();
        hits.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    @Override
    public Stats stats() {
        return new Stats(events.sum(), evaluations.sum(), raised.sum(), nanos.sum(), errors.sum());
    }

    /** The state of one sequence rule: the last time each key matched its earlier condition. */
    private static final class Sequence {
        final Rule.Sequence spec;
        final Function<Event, Object> key;
        final LinkedHashMap<Object, Long> last = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Object, Long> eldest) {
                return size() > MAX_KEYS;
            }
        };

        Sequence(Rule.Sequence spec) {
            this.spec = spec;
            this.key = FilterEvaluator.valueOf(spec.key());
        }

        void observe(Event e) {
            if (spec.predicate().test(e)) {
                Object k = key.apply(e);
                if (k != null) {
                    last.merge(k, e.time(), Math::max);
                }
            }
        }

        boolean precededBy(Event e) {
            Object k = key.apply(e);
            Long t = k == null ? null : last.get(k);
            return t != null && t <= e.time() && e.time() - t <= spec.withinNs();
        }
    }
}
