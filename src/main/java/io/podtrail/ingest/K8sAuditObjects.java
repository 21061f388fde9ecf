package io.podtrail.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.podtrail.event.Event;
import io.podtrail.event.Fields;
import java.util.ArrayList;
import java.util.List;

/**
 * The ka.req.* and ka.resp.* fields Falco's k8saudit rules read from an audit event's requestObject and
 * responseObject (present at levels Request and RequestResponse), with the plugin's meaning.
 */
final class K8sAuditObjects {

    private K8sAuditObjects() {
    }

    static void extract(JsonNode audit, String resource, Event e) {
        JsonNode req = audit.get("requestObject");
        JsonNode resp = audit.get("responseObject");
        if (resp != null && resp.isObject()) {
            e.setIfPresent(Fields.KA_RESP_NAME, JsonEventSource.text(resp.path("metadata"), "name"));
        }
        if (req == null || !req.isObject() || resource == null) {
            return;
        }
        switch (resource) {
            case "pods" -> pod(req.path("spec"), e);
            case "roles", "clusterroles" -> {
                List<String> verbs = new ArrayList<>();
                List<String> resources = new ArrayList<>();
                for (JsonNode r : req.path("rules")) {
                    r.path("verbs").forEach(v -> verbs.add(v.asText()));
                    r.path("resources").forEach(v -> resources.add(v.asText()));
                }
                e.set(Fields.KA_REQ_ROLE_RULES_VERBS, verbs);
                e.set(Fields.KA_REQ_ROLE_RULES_RESOURCES, resources);
                if (req.has("rules")) {
                    e.set(Fields.KA_REQ_ROLE_RULES, req.get("rules").toString());
                }
            }
            case "rolebindings", "clusterrolebindings" -> {
                e.setIfPresent(Fields.KA_REQ_BINDING_ROLE, JsonEventSource.text(req.path("roleRef"), "name"));
                List<String> subjects = new ArrayList<>();
                req.path("subjects").forEach(s -> subjects.add(s.path("name").asText()));
                e.set(Fields.KA_REQ_BINDING_SUBJECTS, subjects);
            }
            case "configmaps" -> {
                e.setIfPresent(Fields.KA_REQ_CONFIGMAP_NAME, JsonEventSource.text(req.path("metadata"), "name"));
                if (req.has("data")) {
                    e.set(Fields.KA_REQ_CONFIGMAP_OBJ, req.get("data").toString());
                }
            }
            case "services" -> {
                e.setIfPresent(Fields.KA_REQ_SERVICE_TYPE, JsonEventSource.text(req.path("spec"), "type"));
                List<String> ports = new ArrayList<>();
                req.path("spec").path("ports").forEach(p -> ports.add(p.toString()));
                e.set(Fields.KA_REQ_SERVICE_PORTS, ports);
            }
            default -> {
            }
        }
    }

    private static void pod(JsonNode spec, Event e) {
        if (!spec.isObject()) {
            return;
        }
        List<String> images = new ArrayList<>();
        List<String> repos = new ArrayList<>();
        for (JsonNode c : spec.path("containers")) {
            String image = c.path("image").asText("");
            images.add(image);
            repos.add(repository(image));
        }
        e.set(Fields.KA_REQ_POD_CONTAINERS_IMAGE, images);
        e.set(Fields.KA_REQ_POD_CONTAINERS_IMAGE_REPOSITORY, repos);
        e.set(Fields.KA_REQ_POD_CONTAINERS_PRIVILEGED, privileged(spec.path("containers")));
        e.set(Fields.KA_REQ_POD_INITCONTAINERS_PRIVILEGED, privileged(spec.path("initContainers")));
        e.set(Fields.KA_REQ_POD_EPHEMERALCONTAINERS_PRIVILEGED, privileged(spec.path("ephemeralContainers")));
        e.set(Fields.KA_REQ_POD_HOST_NETWORK, Boolean.toString(spec.path("hostNetwork").asBoolean(false)));
        e.set(Fields.KA_REQ_POD_HOST_PID, Boolean.toString(spec.path("hostPID").asBoolean(false)));
        e.set(Fields.KA_REQ_POD_HOST_IPC, Boolean.toString(spec.path("hostIPC").asBoolean(false)));
        List<String> paths = new ArrayList<>();
        for (JsonNode v : spec.path("volumes")) {
            if (v.path("hostPath").has("path")) {
                paths.add(v.path("hostPath").path("path").asText());
            }
        }
        e.set(Fields.KA_REQ_POD_VOLUMES_HOSTPATH, paths);
    }

    private static List<String> privileged(JsonNode containers) {
        List<String> out = new ArrayList<>();
        for (JsonNode c : containers) {
            out.add(Boolean.toString(c.path("securityContext").path("privileged").asBoolean(false)));
        }
        return out;
    }

    /** The image reference without its tag and digest ({@code docker.io/library/nginx:1.25} -> {@code docker.io/library/nginx}). */
    static String repository(String image) {
        String s = image;
        int at = s.indexOf('@');
        if (at >= 0) {
            s = s.substring(0, at);
        }
        int colon = s.lastIndexOf(':');
        if (colon > s.lastIndexOf('/')) {
            s = s.substring(0, colon);
        }
        return s;
    }
}
