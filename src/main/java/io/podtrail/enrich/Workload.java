package io.podtrail.enrich;

/**
 * A pod's owner chain resolved at one time: every controller on the way and the top-level one.
 *
 * @param kind     kind of the top-level owner (Deployment, StatefulSet, DaemonSet, CronJob, Job, ReplicaSet),
 *                 "Pod" for a bare pod
 * @param complete false when an intermediate owner was not in the history and could not be inferred
 */
public record Workload(String kind, String name, String deployment, String replicaSet, String statefulSet,
                       String daemonSet, String job, String cronJob, boolean complete) {
}
