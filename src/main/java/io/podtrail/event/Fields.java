package io.podtrail.event;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The field catalogue: every field an event can carry, with Falco/sysdig names where Falco has one
 * and a {@code podtrail.} prefix for Podtrail's own. The single source of truth for the store's
 * columns, the filter language, {@code podtrail fields} and docs/fields.md.
 */
public final class Fields {

    private static final List<Field> ALL = new ArrayList<>();
    private static final List<Field> STORED = new ArrayList<>();
    private static final Map<String, Field> BY_NAME = new LinkedHashMap<>();
    private static final Map<String, String> ALIASES = new LinkedHashMap<>();

    private static final String ALL_SYS = "tetragon, falco, podtrail";
    private static final String AUDIT = "k8s-audit";

    // --- event ---
    public static final Field ID = stored("podtrail.id", FieldType.LONG,
            "Podtrail's event identifier: 64 bits made from the event's time and a hash of the source record (of the auditID for Kubernetes API requests); re-ingesting the same input yields the same id.", "all");
    public static final Field KIND = stored("podtrail.kind", FieldType.STRING,
            "What the event is: exec, exit, connect, accept, close, file, k8s_api or other.", "all");
    public static final Field FORMAT = stored("podtrail.format", FieldType.STRING,
            "The input format the event came from: k8s-audit, tetragon, falco or podtrail.", "all");
    public static final Field END_TIME = stored("podtrail.end_time", FieldType.TIME,
            "End of the event in ns since the epoch: for a Kubernetes API request, the time of its last stage seen.", AUDIT);
    public static final Field TIME = stored("evt.time", FieldType.TIME,
            "Event time in nanoseconds since the Unix epoch (for API requests: when the request was received).", "all");
    public static final Field TYPE = stored("evt.type", FieldType.STRING,
            "Event type as Falco names it: execve, procexit, connect, accept, close, open, openat, unlink, unlinkat, rename, ...; for API requests the verb.", "all");
    public static final Field SOURCE = stored("evt.source", FieldType.STRING,
            "syscall or k8s_audit, as in Falco.", "all");
    public static final Field HOSTNAME = stored("evt.hostname", FieldType.STRING,
            "Node (host) name where the event happened; for API requests the API server when known. Alias: node.", ALL_SYS);

    // --- process ---
    public static final Field PROC_PID = stored("proc.pid", FieldType.LONG, "Process id (host pid namespace for Tetragon).", ALL_SYS);
    public static final Field PROC_PPID = stored("proc.ppid", FieldType.LONG, "Parent process id.", ALL_SYS);
    public static final Field PROC_NAME = stored("proc.name", FieldType.STRING, "Executable name (basename of proc.exepath).", ALL_SYS);
    public static final Field PROC_EXE = stored("proc.exe", FieldType.STRING, "argv[0] as given to execve (Falco); the binary path for Tetragon.", ALL_SYS);
    public static final Field PROC_EXEPATH = stored("proc.exepath", FieldType.STRING, "Full path of the executable.", ALL_SYS);
    public static final Field PROC_CMDLINE = stored("proc.cmdline", FieldType.STRING, "proc.name followed by the arguments, as Falco prints it.", ALL_SYS);
    public static final Field PROC_ARGS = stored("proc.args", FieldType.STRING, "The arguments (without argv[0]) joined by spaces.", ALL_SYS);
    public static final Field PROC_CWD = stored("proc.cwd", FieldType.STRING, "Current working directory.", ALL_SYS);
    public static final Field PROC_TTY = stored("proc.tty", FieldType.LONG, "Controlling terminal number; 0 when none (Tetragon sets it from the tty flag when present).", "falco, podtrail, tetragon");
    public static final Field PROC_PNAME = stored("proc.pname", FieldType.STRING, "Parent's proc.name.", ALL_SYS);
    public static final Field PROC_PCMDLINE = stored("proc.pcmdline", FieldType.STRING, "Parent's proc.cmdline.", ALL_SYS);
    public static final Field PROC_PEXEPATH = stored("proc.pexepath", FieldType.STRING, "Parent's executable path.", ALL_SYS);
    public static final Field PROC_EXEC_ID = stored("proc.exec_id", FieldType.STRING,
            "Stable process identity that survives pid reuse: Tetragon's exec_id, else derived from node, pid and start time.", ALL_SYS);
    public static final Field PROC_PEXEC_ID = stored("proc.pexec_id", FieldType.STRING, "proc.exec_id of the parent.", ALL_SYS);
    public static final Field PROC_PID_TS = stored("proc.pid.ts", FieldType.TIME, "Start time of the process in ns since the epoch (Tetragon start_time, Falco proc.pid.ts).", ALL_SYS);
    public static final Field PROC_PPID_TS = stored("proc.ppid.ts", FieldType.TIME, "Start time of the parent process in ns since the epoch.", ALL_SYS);
    public static final Field PROC_EXIT_CODE = stored("proc.exit_code", FieldType.LONG, "Exit status of a process exit event (Tetragon status; signal in proc.exit_signal).", "tetragon, podtrail");
    public static final Field PROC_EXIT_SIGNAL = stored("proc.exit_signal", FieldType.STRING, "Signal that ended the process (e.g. SIGKILL), when any.", "tetragon, podtrail");
    public static final Field USER_UID = stored("user.uid", FieldType.LONG, "Effective user id.", ALL_SYS);
    public static final Field USER_NAME = stored("user.name", FieldType.STRING, "User name, when the sensor resolves it.", "falco, podtrail");
    public static final Field USER_LOGINUID = stored("user.loginuid", FieldType.LONG, "Audit login uid (auid); -1 (4294967295) when unset.", ALL_SYS);

    // --- container / pod ---
    public static final Field CONTAINER_ID = stored("container.id", FieldType.STRING, "Container id truncated to 12 characters; 'host' for host processes.", ALL_SYS);
    public static final Field CONTAINER_FULL_ID = stored("container.full_id", FieldType.STRING, "Full container id (64 hex characters) without the runtime prefix.", ALL_SYS);
    public static final Field CONTAINER_NAME = stored("container.name", FieldType.STRING, "Container name in the pod spec.", ALL_SYS);
    public static final Field CONTAINER_IMAGE = stored("container.image", FieldType.STRING, "Image reference (repository:tag).", ALL_SYS);
    public static final Field CONTAINER_IMAGE_REPOSITORY = stored("container.image.repository", FieldType.STRING, "Image repository (e.g. docker.io/library/nginx).", ALL_SYS);
    public static final Field CONTAINER_IMAGE_TAG = stored("container.image.tag", FieldType.STRING, "Image tag (e.g. 1.25).", ALL_SYS);
    public static final Field CONTAINER_IMAGE_DIGEST = stored("container.image.digest", FieldType.STRING, "Image digest (sha256:...).", ALL_SYS);
    public static final Field K8S_NS_NAME = stored("k8s.ns.name", FieldType.STRING, "Namespace of the pod (for API requests: the target namespace).", "all");
    public static final Field K8S_POD_NAME = stored("k8s.pod.name", FieldType.STRING, "Pod name (for API requests on pods: the target pod).", "all");
    public static final Field K8S_POD_UID = stored("k8s.pod.uid", FieldType.STRING, "Pod UID.", "falco, podtrail, k8s-audit");
    public static final Field K8S_POD_LABELS = stored("k8s.pod.labels", FieldType.STRING_MAP, "Pod labels at the time of the event.", "tetragon, falco, podtrail");
    public static final Field K8S_POD_LABEL = derived("k8s.pod.label", FieldType.STRING,
            "k8s.pod.label[KEY]: the value of pod label KEY (from k8s.pod.labels).", "tetragon, falco, podtrail", true);

    // --- Kubernetes context filled by enrichment (io.podtrail.enrich), resolved at the event's time ---
    private static final String ENRICH = "podtrail (enrich), sensors when they carry it";
    public static final Field K8S_CLUSTER_NAME = stored("k8s.cluster.name", FieldType.STRING, "Name of the cluster the event happened in (from the enrichment source that resolved it).", ENRICH);
    public static final Field K8S_WORKLOAD_KIND = stored("k8s.workload.kind", FieldType.STRING, "Kind of the pod's top-level owner: Deployment, StatefulSet, DaemonSet, CronJob, Job, ReplicaSet, or Pod for a bare pod.", ENRICH);
    public static final Field K8S_WORKLOAD_NAME = stored("k8s.workload.name", FieldType.STRING, "Name of the pod's top-level owner (the bare pod's name when it has none).", ENRICH);
    public static final Field K8S_DEPLOYMENT_NAME = stored("k8s.deployment.name", FieldType.STRING, "Deployment owning the pod (through its ReplicaSet) at the time of the event.", ENRICH);
    public static final Field K8S_STATEFULSET_NAME = stored("k8s.statefulset.name", FieldType.STRING, "StatefulSet owning the pod.", ENRICH);
    public static final Field K8S_DAEMONSET_NAME = stored("k8s.daemonset.name", FieldType.STRING, "DaemonSet owning the pod.", ENRICH);
    public static final Field K8S_JOB_NAME = stored("k8s.job.name", FieldType.STRING, "Job owning the pod.", ENRICH);
    public static final Field K8S_CRONJOB_NAME = stored("k8s.cronjob.name", FieldType.STRING, "CronJob owning the pod (through its Job).", ENRICH);
    public static final Field K8S_RS_NAME = stored("k8s.rs.name", FieldType.STRING, "ReplicaSet owning the pod.", ENRICH);
    public static final Field K8S_NODE_NAME = stored("k8s.node.name", FieldType.STRING, "Node the pod ran on at the time of the event.", ENRICH);
    public static final Field PEER_KIND = stored("peer.kind", FieldType.STRING,
            "For connections, what the remote end (fd.sip for connect/close, fd.cip for accept) was at that time: pod, service, node, loopback, trusted or external.", ENRICH);
    public static final Field PEER_NS = stored("peer.ns", FieldType.STRING, "Namespace of the remote pod or service.", ENRICH);
    public static final Field PEER_POD = stored("peer.pod", FieldType.STRING, "Name of the remote pod.", ENRICH);
    public static final Field PEER_WORKLOAD = stored("peer.workload", FieldType.STRING, "Workload (top-level owner name) of the remote pod.", ENRICH);
    public static final Field PEER_SERVICE = stored("peer.service", FieldType.STRING, "Name of the remote service (cluster IP).", ENRICH);
    public static final Field PEER_NODE = stored("peer.node", FieldType.STRING, "Name of the remote node (node address).", ENRICH);
    public static final Field PEER_KNOWN = stored("peer.known", FieldType.BOOL,
            "True when the remote end was a pod, service or node of the cluster at that time, loopback, or in a trusted CIDR; false for an unknown destination.", ENRICH);
    public static final Field UNRESOLVED = stored("podtrail.unresolved", FieldType.STRING_LIST,
            "What enrichment could not resolve yet (container, pod, owner, peer): kept so a later pass can fill it; absent when fully resolved.", "podtrail (enrich)");

    // --- exec sessions (io.podtrail.correlate): who is behind a process; joined from the session tables ---
    private static final String CORR = "podtrail (correlate)";
    public static final Field ANCESTORS = stored("podtrail.ancestors", FieldType.STRING_LIST,
            "proc.name of the process's ancestors, parent first, as far as the process tree knows them (up to 16); proc.aname[N] reads it.", CORR);
    public static final Field SESSION_ID = stored("session.id", FieldType.STRING,
            "The session the process belongs to: the auditID of the kubectl exec, attach, debug or port-forward request; 'outside-' and a hash for an interactive exec outside the Kubernetes API.", CORR);
    public static final Field SESSION_KIND = stored("session.kind", FieldType.STRING,
            "exec, attach, debug (ephemeral container), portforward, or outside_api (a shell started in a container with no API request: crictl exec, runc exec, nsenter).", CORR);
    public static final Field SESSION_USER_NAME = stored("session.user.name", FieldType.STRING, "User who made the session's API request.", CORR);
    public static final Field SESSION_USER_GROUPS = stored("session.user.groups", FieldType.STRING_LIST, "Groups of that user.", CORR);
    public static final Field SESSION_IMPUSER_NAME = stored("session.impuser.name", FieldType.STRING, "User impersonated by the request, when any.", CORR);
    public static final Field SESSION_SOURCE_IP = stored("session.source.ip", FieldType.STRING, "Client IP of the request (the first source IP).", CORR);
    public static final Field SESSION_USERAGENT = stored("session.useragent", FieldType.STRING, "User agent of the client (kubectl version and platform).", CORR);
    public static final Field SESSION_COMMAND = stored("session.command", FieldType.STRING_LIST, "The requested command, argv decoded from the repeated command= parameters.", CORR);
    public static final Field SESSION_CONTAINER = stored("session.container", FieldType.STRING, "The container the request named (container= parameter), or the one the root process ran in.", CORR);
    public static final Field SESSION_TTY = stored("session.tty", FieldType.BOOL, "True when the request asked for a terminal (kubectl exec -t).", CORR);
    public static final Field SESSION_STDIN = stored("session.stdin", FieldType.BOOL, "True when the request attached standard input (kubectl exec -i).", CORR);
    public static final Field SESSION_START = stored("session.start", FieldType.TIME, "When the session started (the request's ResponseStarted stage, else when it was received; the root process's start outside the API).", CORR);
    public static final Field SESSION_END = stored("session.end", FieldType.TIME, "When the session ended (ResponseComplete), when known.", CORR);
    public static final Field SESSION_ALLOWED = stored("session.allowed", FieldType.BOOL, "True when the API server let the session start (101 or 2xx), false when it refused it (403 and other errors), absent until the response is known.", CORR);
    public static final Field SESSION_RESPONSE_CODE = stored("session.response.code", FieldType.LONG, "HTTP status of the session's request (101 for an upgraded stream, 403 when denied).", CORR);
    public static final Field SESSION_CONFIDENCE = stored("session.confidence", FieldType.STRING,
            "How the root process was matched to the request: exact (one candidate), ambiguous (several fit equally: see session.candidates), unmatched (no process found: denied, or no sensor on that node), pending (within the matching window).", CORR);
    public static final Field SESSION_ROOT = stored("session.root", FieldType.BOOL, "True on the events of the session's root process (the one the runtime started for the request).", CORR);
    public static final Field SESSION_ROOT_EXEC_ID = stored("session.root_exec_id", FieldType.STRING, "proc.exec_id of the session's root process.", CORR);
    public static final Field SESSION_CANDIDATES = stored("session.candidates", FieldType.STRING_LIST, "For an ambiguous session, the proc.exec_id of every root process that fits it equally.", CORR);

    // --- network and files ---
    public static final Field FD_SIP = stored("fd.sip", FieldType.IP, "Server IP address of the connection (destination of a connect, local side of an accept).", ALL_SYS);
    public static final Field FD_SPORT = stored("fd.sport", FieldType.LONG, "Server port.", ALL_SYS);
    public static final Field FD_CIP = stored("fd.cip", FieldType.IP, "Client IP address.", ALL_SYS);
    public static final Field FD_CPORT = stored("fd.cport", FieldType.LONG, "Client port.", ALL_SYS);
    public static final Field FD_L4PROTO = stored("fd.l4proto", FieldType.STRING, "Transport protocol: tcp, udp, icmp, raw.", ALL_SYS);
    public static final Field FD_NAME = stored("fd.name", FieldType.STRING,
            "File path for file events; 'cip:cport->sip:sport' for connections, as Falco prints it.", ALL_SYS);

    // --- Kubernetes API (k8saudit names) ---
    public static final Field KA_AUDITID = stored("ka.auditid", FieldType.STRING, "auditID of the request; all of its stages share it.", AUDIT);
    public static final Field KA_STAGE = stored("ka.stage", FieldType.STRING, "The latest stage seen: RequestReceived, ResponseStarted, ResponseComplete or Panic.", AUDIT);
    public static final Field KA_LEVEL = stored("ka.level", FieldType.STRING, "Audit level of the event: Metadata, Request or RequestResponse.", AUDIT);
    public static final Field KA_VERB = stored("ka.verb", FieldType.STRING, "Request verb (get, list, create, update, patch, delete, watch, ...).", AUDIT);
    public static final Field KA_URI = stored("ka.uri", FieldType.STRING, "Request URI as sent by the client, with its query string.", AUDIT);
    public static final Field KA_USER_NAME = stored("ka.user.name", FieldType.STRING, "Authenticated user name.", AUDIT);
    public static final Field KA_USER_GROUPS = stored("ka.user.groups", FieldType.STRING_LIST, "Groups of the authenticated user.", AUDIT);
    public static final Field KA_IMPUSER_NAME = stored("ka.impuser.name", FieldType.STRING, "Impersonated user name, when the request impersonates.", AUDIT);
    public static final Field KA_SOURCEIPS = stored("ka.sourceips", FieldType.STRING_LIST, "Source IPs of the request (client first, then proxies).", AUDIT);
    public static final Field KA_USERAGENT = stored("ka.useragent", FieldType.STRING, "User agent of the client (e.g. kubectl/v1.30.1 ...).", AUDIT);
    public static final Field KA_TARGET_RESOURCE = stored("ka.target.resource", FieldType.STRING, "Target resource (pods, secrets, ...).", AUDIT);
    public static final Field KA_TARGET_SUBRESOURCE = stored("ka.target.subresource", FieldType.STRING, "Target subresource (exec, attach, portforward, ephemeralcontainers, log, ...).", AUDIT);
    public static final Field KA_TARGET_NAMESPACE = stored("ka.target.namespace", FieldType.STRING, "Target namespace.", AUDIT);
    public static final Field KA_TARGET_NAME = stored("ka.target.name", FieldType.STRING, "Target object name.", AUDIT);
    public static final Field KA_TARGET_APIGROUP = stored("ka.target.apigroup", FieldType.STRING, "API group of the target ('' for the core group).", AUDIT);
    public static final Field KA_RESPONSE_CODE = stored("ka.response.code", FieldType.LONG, "HTTP response code (101 for an upgraded exec/attach stream).", AUDIT);
    public static final Field KA_RESPONSE_REASON = stored("ka.response.reason", FieldType.STRING, "Reason of a failed response (Forbidden, NotFound, ...).", AUDIT);
    public static final Field KA_AUTH_DECISION = stored("ka.auth.decision", FieldType.STRING, "Authorization decision annotation (allow / forbid).", AUDIT);
    public static final Field KA_AUTH_REASON = stored("ka.auth.reason", FieldType.STRING, "Authorization reason annotation.", AUDIT);

    // --- Falco syscall fields only Falco (json_output with these output_fields) or native events carry ---
    private static final String FALCO_ONLY = "falco, podtrail";
    public static final Field PROC_VPID = stored("proc.vpid", FieldType.LONG, "Process id in the container's pid namespace (1: the container's init).", FALCO_ONLY);
    public static final Field PROC_ENV = stored("proc.env", FieldType.STRING, "Environment of the process, as Falco prints it.", FALCO_ONLY);
    public static final Field PROC_IS_EXE_UPPER_LAYER = stored("proc.is_exe_upper_layer", FieldType.BOOL, "True when the executable lives in the container's writable upper layer (drift).", FALCO_ONLY);
    public static final Field PROC_IS_EXE_FROM_MEMFD = stored("proc.is_exe_from_memfd", FieldType.BOOL, "True when the executable is a memfd (fileless execution).", FALCO_ONLY);
    public static final Field PROC_IS_VPGID_LEADER = stored("proc.is_vpgid_leader", FieldType.BOOL, "True when the process leads its process group.", FALCO_ONLY);
    public static final Field THREAD_CAP_EFFECTIVE = stored("thread.cap_effective", FieldType.STRING, "Effective capabilities, space separated (CAP_SYS_ADMIN ...).", FALCO_ONLY);
    public static final Field THREAD_CAP_PERMITTED = stored("thread.cap_permitted", FieldType.STRING, "Permitted capabilities, space separated.", FALCO_ONLY);
    public static final Field CONTAINER_PRIVILEGED = stored("container.privileged", FieldType.BOOL, "True when the container runs privileged.", FALCO_ONLY);
    public static final Field FD_SIP_NAME = stored("fd.sip.name", FieldType.STRING, "Domain name the server IP was resolved from (Falco's DNS tracking).", FALCO_ONLY);
    public static final Field FD_CIP_NAME = stored("fd.cip.name", FieldType.STRING, "Domain name of the client IP.", FALCO_ONLY);

    // --- Kubernetes API request and response objects (the k8saudit plugin's ka.req.* / ka.resp.* fields) ---
    private static final String AUDIT_OBJ = "k8s-audit (level Request or RequestResponse)";
    public static final Field KA_REQ_POD_CONTAINERS_IMAGE = stored("ka.req.pod.containers.image", FieldType.STRING_LIST, "Images of the containers of a pod being created (requestObject.spec.containers[].image).", AUDIT_OBJ);
    public static final Field KA_REQ_POD_CONTAINERS_IMAGE_REPOSITORY = stored("ka.req.pod.containers.image.repository", FieldType.STRING_LIST, "Those images without tag or digest.", AUDIT_OBJ);
    public static final Field KA_REQ_POD_CONTAINERS_PRIVILEGED = stored("ka.req.pod.containers.privileged", FieldType.STRING_LIST, "securityContext.privileged of each container of the pod (true or false).", AUDIT_OBJ);
    public static final Field KA_REQ_POD_INITCONTAINERS_PRIVILEGED = stored("ka.req.pod.initContainers.privileged", FieldType.STRING_LIST, "securityContext.privileged of each init container.", AUDIT_OBJ);
    public static final Field KA_REQ_POD_EPHEMERALCONTAINERS_PRIVILEGED = stored("ka.req.pod.ephemeralContainers.privileged", FieldType.STRING_LIST, "securityContext.privileged of each ephemeral container.", AUDIT_OBJ);
    public static final Field KA_REQ_POD_HOST_NETWORK = stored("ka.req.pod.host_network", FieldType.STRING, "spec.hostNetwork of the pod being created (true or false).", AUDIT_OBJ);
    public static final Field KA_REQ_POD_HOST_PID = stored("ka.req.pod.host_pid", FieldType.STRING, "spec.hostPID of the pod (true or false).", AUDIT_OBJ);
    public static final Field KA_REQ_POD_HOST_IPC = stored("ka.req.pod.host_ipc", FieldType.STRING, "spec.hostIPC of the pod (true or false).", AUDIT_OBJ);
    public static final Field KA_REQ_POD_VOLUMES_HOSTPATH = stored("ka.req.pod.volumes.hostpath", FieldType.STRING_LIST, "hostPath paths of the pod's volumes.", AUDIT_OBJ);
    public static final Field KA_REQ_ROLE_RULES_VERBS = stored("ka.req.role.rules.verbs", FieldType.STRING_LIST, "Verbs of every rule of a role or cluster role being created.", AUDIT_OBJ);
    public static final Field KA_REQ_ROLE_RULES_RESOURCES = stored("ka.req.role.rules.resources", FieldType.STRING_LIST, "Resources of every rule of a role or cluster role.", AUDIT_OBJ);
    public static final Field KA_REQ_ROLE_RULES = stored("ka.req.role.rules", FieldType.STRING, "The rules of a role or cluster role, as JSON.", AUDIT_OBJ);
    public static final Field KA_REQ_BINDING_ROLE = stored("ka.req.binding.role", FieldType.STRING, "roleRef.name of a (cluster) role binding being created.", AUDIT_OBJ);
    public static final Field KA_REQ_BINDING_SUBJECTS = stored("ka.req.binding.subjects", FieldType.STRING_LIST, "Names of the subjects of the binding.", AUDIT_OBJ);
    public static final Field KA_REQ_CONFIGMAP_NAME = stored("ka.req.configmap.name", FieldType.STRING, "Name of a config map being created.", AUDIT_OBJ);
    public static final Field KA_REQ_CONFIGMAP_OBJ = stored("ka.req.configmap.obj", FieldType.STRING, "The data of the config map, as JSON.", AUDIT_OBJ);
    public static final Field KA_REQ_SERVICE_TYPE = stored("ka.req.service.type", FieldType.STRING, "spec.type of a service being created.", AUDIT_OBJ);
    public static final Field KA_REQ_SERVICE_PORTS = stored("ka.req.service.ports", FieldType.STRING_LIST, "spec.ports of the service, each as JSON.", AUDIT_OBJ);
    public static final Field KA_RESP_NAME = stored("ka.resp.name", FieldType.STRING, "metadata.name of the response object (the name given to a created object).", AUDIT_OBJ);

    // --- sensor detections (Falco alerts keep their rule) ---
    public static final Field FALCO_RULE = stored("falco.rule", FieldType.STRING, "For events that arrived as a Falco alert: the rule that fired.", "falco");
    public static final Field FALCO_PRIORITY = stored("falco.priority", FieldType.STRING, "Priority of the Falco alert (Emergency ... Debug).", "falco");
    public static final Field FALCO_TAGS = stored("falco.tags", FieldType.STRING_LIST, "Tags of the Falco rule.", "falco");
    public static final Field FALCO_OUTPUT = stored("falco.output", FieldType.STRING, "Formatted output text of the Falco alert.", "falco");
    public static final Field ARGS = stored("evt.args", FieldType.STRING_MAP,
            "Other arguments the sensor supplied that have no field of their own (e.g. a generic Tetragon kprobe's arguments).", ALL_SYS);

    // --- computed at query time ---
    public static final Field KA_URI_PARAM = derived("ka.uri.param", FieldType.STRING,
            "ka.uri.param[NAME]: the value of query parameter NAME in ka.uri (the first one when repeated; ka.uri.param[command] of an exec is argv[0]).", AUDIT, true);
    public static final Field PROC_ANAME = derived("proc.aname", FieldType.STRING,
            "proc.aname[N]: the name of the N-th ancestor (1 = parent, 0 = the process itself); without [N], any ancestor (from podtrail.ancestors).", ALL_SYS, true);
    public static final Field FD_SNET = derived("fd.snet", FieldType.IP, "Server IP network: use with in (CIDR, ...) or = CIDR.", ALL_SYS, false);
    public static final Field FD_CNET = derived("fd.cnet", FieldType.IP, "Client IP network: use with in (CIDR, ...) or = CIDR.", ALL_SYS, false);
    public static final Field FD_RNET = derived("fd.rnet", FieldType.IP, "Remote IP network (the server for connect, the client for accept).", ALL_SYS, false);
    public static final Field FD_LNET = derived("fd.lnet", FieldType.IP, "Local IP network (the client for connect, the server for accept).", ALL_SYS, false);
    public static final Field FD_NET = derived("fd.net", FieldType.IP, "Either end's IP network: true when client or server matches.", ALL_SYS, false);
    public static final Field FD_RIP = derived("fd.rip", FieldType.IP, "Remote IP (fd.sip for connect, fd.cip for accept).", ALL_SYS, false);
    public static final Field FD_LIP = derived("fd.lip", FieldType.IP, "Local IP (fd.cip for connect, fd.sip for accept).", ALL_SYS, false);
    public static final Field FD_PORT = derived("fd.port", FieldType.LONG, "Either end's port: true when the client or the server port matches.", ALL_SYS, false);
    public static final Field FD_RPORT = derived("fd.rport", FieldType.LONG, "Remote port.", ALL_SYS, false);
    public static final Field FD_LPORT = derived("fd.lport", FieldType.LONG, "Local port.", ALL_SYS, false);
    public static final Field FD_DIRECTORY = derived("fd.directory", FieldType.STRING, "Directory part of fd.name for file events.", ALL_SYS, false);
    public static final Field FD_FILENAME = derived("fd.filename", FieldType.STRING, "File name part of fd.name for file events.", ALL_SYS, false);

    // Falco syscall fields derived from what the sensors report (so Falco's macros work on Podtrail events)
    public static final Field EVT_DIR = derived("evt.dir", FieldType.STRING,
            "Falco's event direction: '<' (exit) for every sensor event, since Podtrail records completed calls; absent for API requests.", ALL_SYS, false);
    public static final Field PROC_DURATION = derived("proc.duration", FieldType.LONG,
            "Nanoseconds since the process started, at the event's time: evt.time - proc.pid.ts.", ALL_SYS, false);
    public static final Field EVT_NUM = derived("evt.num", FieldType.LONG,
            "Podtrail has no per-sensor event counter: 1 for every event, so that Falco's always_true (evt.num >= 0) and never_true (evt.num = 0) macros keep their meaning.", "all", false);
    public static final Field EVT_RAWRES = derived("evt.rawres", FieldType.LONG,
            "Return value of the call: evt.args[res] when the sensor reports it, else 0 for exec, connect, accept, close and file events (sensors report completed calls).", ALL_SYS, false);
    public static final Field EVT_RES = derived("evt.res", FieldType.STRING,
            "SUCCESS when evt.rawres is 0 or more, else the error number as text.", ALL_SYS, false);
    public static final Field EVT_IS_OPEN_WRITE = derived("evt.is_open_write", FieldType.BOOL,
            "For file events: true for a write (evt.type write) or an open whose evt.args[flags] has O_WRONLY, O_RDWR, O_CREAT, O_TRUNC or O_APPEND.", ALL_SYS, false);
    public static final Field EVT_IS_OPEN_READ = derived("evt.is_open_read", FieldType.BOOL,
            "For file events: true for a read (evt.type read) or an open whose evt.args[flags] has O_RDONLY or O_RDWR.", ALL_SYS, false);
    public static final Field EVT_ARG = derived("evt.arg", FieldType.STRING,
            "evt.arg[NAME] (also written evt.arg.NAME or evt.rawarg.NAME): the sensor-supplied argument NAME from evt.args.", ALL_SYS, true);
    public static final Field FD_TYPECHAR = derived("fd.typechar", FieldType.STRING,
            "Falco's descriptor type letter: f for file events, 4 or 6 for IPv4 or IPv6 connections.", ALL_SYS, false);
    public static final Field FD_TYPE = derived("fd.type", FieldType.STRING,
            "Falco's descriptor type: file, ipv4 or ipv6.", ALL_SYS, false);
    public static final Field FD_SOCKFAMILY = derived("fd.sockfamily", FieldType.STRING,
            "ip for connection events.", ALL_SYS, false);
    public static final Field FD_NUM = derived("fd.num", FieldType.LONG,
            "Descriptor number: evt.args[fd] when the sensor reports it, else 0 for file and connection events (the action happened, so the descriptor was valid).", ALL_SYS, false);
    public static final Field FD_CONNECTED = derived("fd.connected", FieldType.BOOL,
            "True for connect and accept events.", ALL_SYS, false);
    public static final Field FD_NAME_CHANGED = derived("fd.name_changed", FieldType.BOOL,
            "False for connection events (Podtrail has no sendto/sendmsg events that rename a socket).", ALL_SYS, false);

    // --- policy events (podtrail policy-events and /api/v1/policy-events only) ---
    private static final String POLICY = "policy events";
    public static final Field POLICY_RULE = derived("policy.rule", FieldType.STRING, "Name of the rule that raised the policy event. Alias: rule.", POLICY, false);
    public static final Field POLICY_PRIORITY = derived("policy.priority", FieldType.STRING,
            "Priority of the rule as Falco prints it: Emergency, Alert, Critical, Error, Warning, Notice, Informational, Debug. Alias: priority.", POLICY, false);
    public static final Field POLICY_TAGS = derived("policy.tags", FieldType.STRING_LIST, "Tags of the rule. Alias: tags.", POLICY, false);
    public static final Field POLICY_OUTPUT = derived("policy.output", FieldType.STRING, "The rule's formatted output. Alias: output.", POLICY, false);

    static {
        alias("node", HOSTNAME);
        alias("fd.ip", FD_NET);
        alias("jevt.rawtime", TIME);
        alias("proc.pexe", PROC_PEXEPATH);
        alias("fd.nameraw", FD_NAME);
        alias("rule", POLICY_RULE);
        alias("priority", POLICY_PRIORITY);
        alias("tags", POLICY_TAGS);
        alias("output", POLICY_OUTPUT);
    }

    private Fields() {
    }

    private static Field stored(String name, FieldType type, String description, String sources) {
        Field f = new Field(name, type, description, sources, true, false, STORED.size());
        STORED.add(f);
        return add(f);
    }

    private static Field derived(String name, FieldType type, String description, String sources, boolean argument) {
        return add(new Field(name, type, description, sources, false, argument, -1));
    }

    private static Field add(Field f) {
        if (BY_NAME.putIfAbsent(f.name(), f) != null) {
            throw new IllegalStateException("duplicate field " + f.name());
        }
        ALL.add(f);
        return f;
    }

    private static void alias(String alias, Field target) {
        ALIASES.put(alias, target.name());
    }

    /** Every field, in catalogue order. */
    public static List<Field> all() {
        return Collections.unmodifiableList(ALL);
    }

    /** The fields that have a column of their own, in {@link Field#index()} order. */
    public static List<Field> stored() {
        return Collections.unmodifiableList(STORED);
    }

    /** Alternative names (alias -> field name). */
    public static Map<String, String> aliases() {
        return Collections.unmodifiableMap(ALIASES);
    }

    /**
     * The field name (or alias) closest to a misspelt one, when it is close enough to be a typo, for
     * "did you mean" hints in filter errors and native-format rejections.
     *
     * @param storedOnly only consider fields that have a column (names a native event may carry)
     */
    public static Optional<String> closest(String name, boolean storedOnly) {
        if (name.length() > 64) {
            return Optional.empty();
        }
        List<String> names = new ArrayList<>();
        (storedOnly ? STORED : ALL).forEach(f -> names.add(f.name()));
        if (!storedOnly) {
            names.addAll(ALIASES.keySet());
        }
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String n : names) {
            int d = editDistance(name, n);
            if (d < bestD) {
                bestD = d;
                best = n;
            }
        }
        int limit = Math.max(1, Math.min(3, name.length() / 4));
        return bestD <= limit ? Optional.of(best) : Optional.empty();
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** Looks a field up by name or alias (without any bracketed argument). */
    public static Optional<Field> byName(String name) {
        String target = ALIASES.getOrDefault(name, name);
        return Optional.ofNullable(BY_NAME.get(target));
    }
}
