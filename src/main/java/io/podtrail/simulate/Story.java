package io.podtrail.simulate;

/** The incident stories the simulator can embed in the background activity; each is switchable. */
public enum Story {
    /** john.doe kubectl exec -it into billing-api: bash, curl payload, tar/gzip, shred history. */
    SEED,
    /** jane.roe runs {@code sh -c "cat /etc/hostname"} in the same pod, overlapping the SEED session. */
    SECOND_USER,
    /** mallory tries to exec into a payments-db pod and is refused (403, no processes). */
    DENIED_EXEC,
    /** tcpdump on a host (root over ssh) and in the netdebug deployment via kubectl exec by an admin. */
    TCPDUMP,
    /** an interactive shell started in a container from the node (runc exec), with no API request. */
    NODE_SHELL,
    /** invoice-worker in billing connects to a never-seen public IP. */
    UNKNOWN_IP
}
