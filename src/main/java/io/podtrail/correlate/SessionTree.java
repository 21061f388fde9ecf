package io.podtrail.correlate;

import io.podtrail.event.Event;
import io.podtrail.event.Fields;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A session's process tree, built from its attributed events: one node per process (by proc.exec_id), children
 * under their parent in start order, each with its connections and file actions in time order.
 */
public final class SessionTree {

    /** One process of the tree. */
    public static final class Node {
        public final String execId;
        public String parentExecId;
        public String cmdline;
        public String exepath;
        public Long start;
        public Long exit;
        public Long exitCode;
        public int depth;
        public final List<Event> activity = new ArrayList<>();
        public final List<Node> children = new ArrayList<>();

        Node(String execId) {
            this.execId = execId;
        }
    }

    private final List<Node> roots;

    private SessionTree(List<Node> roots) {
        this.roots = roots;
    }

    public List<Node> roots() {
        return roots;
    }

    public static SessionTree of(List<Event> events) {
        List<Event> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingLong(Event::time));
        Map<String, Node> nodes = new LinkedHashMap<>();
        for (Event e : sorted) {
            String id = e.getString(Fields.PROC_EXEC_ID);
            if (id == null) {
                continue;
            }
            Node n = nodes.computeIfAbsent(id, Node::new);
            if (n.cmdline == null) {
                n.cmdline = e.getString(Fields.PROC_CMDLINE);
                n.exepath = e.getString(Fields.PROC_EXEPATH);
                n.parentExecId = e.getString(Fields.PROC_PEXEC_ID);
                Long ts = e.getLong(Fields.PROC_PID_TS);
                n.start = ts != null ? ts : e.time();
            }
            switch (e.kind()) {
                case PROCESS_EXEC -> { }
                case PROCESS_EXIT -> {
                    n.exit = e.time();
                    n.exitCode = e.getLong(Fields.PROC_EXIT_CODE);
                }
                default -> n.activity.add(e);
            }
        }
        List<Node> roots = new ArrayList<>();
        for (Node n : nodes.values()) {
            Node parent = n.parentExecId == null ? null : nodes.get(n.parentExecId);
            if (parent != null && parent != n) {
                parent.children.add(n);
            } else {
                roots.add(n);
            }
        }
        Comparator<Node> byStart = Comparator.comparing((Node n) -> n.start == null ? Long.MAX_VALUE : n.start)
                .thenComparing(n -> n.execId);
        roots.sort(byStart);
        Map<Node, Boolean> seen = new HashMap<>();
        List<Node> todo = new ArrayList<>(roots);
        while (!todo.isEmpty()) {
            Node n = todo.remove(todo.size() - 1);
            if (seen.put(n, true) != null) {
                continue;
            }
            n.children.sort(byStart);
            for (Node c : n.children) {
                c.depth = n.depth + 1;
                todo.add(c);
            }
        }
        return new SessionTree(roots);
    }

    /** The nodes in pre-order (a parent, then each child's subtree in start order). */
    public List<Node> preOrder() {
        List<Node> out = new ArrayList<>();
        for (Node r : roots) {
            walk(r, out);
        }
        return out;
    }

    private static void walk(Node n, List<Node> out) {
        out.add(n);
        for (Node c : n.children) {
            walk(c, out);
        }
    }
}
