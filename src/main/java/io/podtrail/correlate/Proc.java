package io.podtrail.correlate;

import java.util.ArrayList;
import java.util.List;

/** One process in a node's table (mutable, owned by the correlator's thread). */
final class Proc {
    final String execId;
    final String parentExecId;
    String name;
    String args;
    String parentName;
    Long tty;
    String node;
    String cluster;
    String namespace;
    String pod;
    String container;
    String containerId;
    long start;
    /** Exit time, or Long.MIN_VALUE while running. */
    long exit = Long.MIN_VALUE;
    Proc parent;
    /** Children still in the table (lazily allocated: most processes have none). */
    List<Proc> children;
    List<String> ancestors = List.of();
    Session session;
    /** Started from outside its container (the runtime, or a host process): may be a session's root. */
    boolean rootCandidate;
    /** Known only from the store (the session arrived after it left memory). */
    boolean archived;
    boolean evicted;
    /** A child (with its own descendants) left memory: the store has them, ask it when attributing. */
    boolean lostChildren;

    Proc(String execId, String parentExecId) {
        this.execId = execId;
        this.parentExecId = parentExecId;
    }

    boolean exited() {
        return exit != Long.MIN_VALUE;
    }

    boolean hasChildren() {
        return children != null && !children.isEmpty();
    }

    void addChild(Proc c) {
        if (children == null) {
            children = new ArrayList<>(2);
        }
        children.add(c);
    }
}
