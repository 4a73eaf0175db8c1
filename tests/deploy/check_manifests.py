#!/usr/bin/python3
"""Checks deploy/ (Docker Compose file, Kubernetes manifests) against the
Dockerfile and advectd's real flags.

  check_manifests.py --root REPO --advectd PATH [--dockerfile PATH]
  check_manifests.py --self-test --root REPO --advectd PATH

Parses every YAML file under REPO/deploy (all documents of each), the Dockerfile
(default REPO/Dockerfile) and the ADVECT_* variables listed by `advectd --help`,
prints each check, and exits 1 naming the file and field of every failure.
--self-test breaks in-memory copies of the manifests one way at a time and
exits 1 unless the checker reports each break.
"""
import argparse
import copy
import json
import os
import re
import shlex
import subprocess
import sys

import yaml

BASE = "deploy/k8s/base"
BATCH = "deploy/k8s/batch"
COMPOSE = "deploy/compose.yaml"
KUSTOMIZATION = f"{BASE}/kustomization.yaml"
# After the shutdown grace advectd waits up to 5 s for cancelled jobs to end and
# 2 s for streams to close (server/server.cc, Server::Shutdown).
SHUTDOWN_TAIL_SECONDS = 7


# ---------------------------------------------------------------- inputs

def parse_dockerfile(text):
    """The runtime (last) stage's EXPOSE ports, USER uid, ENV and HEALTHCHECK command."""
    logical, current = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        logical.append(current + line)
        current = ""
    if current:
        logical.append(current)
    stage = []
    for line in logical:
        if line.split(None, 1)[0].upper() == "FROM":
            stage = []
        stage.append(line)
    out = {"expose": [], "user": None, "env": {}, "healthcheck": None}
    for line in stage:
        parts = line.split(None, 1)
        op, rest = parts[0].upper(), (parts[1] if len(parts) > 1 else "")
        if op == "EXPOSE":
            out["expose"] += [int(p.split("/")[0]) for p in rest.split()]
        elif op == "USER":
            out["user"] = rest.split(":")[0].strip()
        elif op == "ENV":
            words = shlex.split(rest)
            if words and "=" not in words[0]:
                out["env"][words[0]] = " ".join(words[1:])
            else:
                for w in words:
                    key, _, value = w.partition("=")
                    out["env"][key] = value
        elif op == "HEALTHCHECK":
            m = re.search(r"\bCMD\s+(.*)$", rest)
            if m:
                cmd = m.group(1).strip()
                out["healthcheck"] = json.loads(cmd) if cmd.startswith("[") else shlex.split(cmd)
    return out


def advectd_flags(advectd):
    """{ADVECT_VAR: default} from `advectd --help`."""
    proc = subprocess.run([advectd, "--help"], capture_output=True, text=True, timeout=30)
    text = proc.stdout + proc.stderr
    flags = dict(re.findall(r"\((ADVECT_[A-Z0-9_]+), default ([^)]*)\)", text))
    if proc.returncode != 0 or not flags:
        sys.exit(f"FAIL {advectd} --help: exit {proc.returncode}, no '(ADVECT_..., default ...)' "
                 f"entries found")
    return flags


def load_model(root, dockerfile, advectd):
    docs, errors = {}, []
    for dirpath, _, files in os.walk(os.path.join(root, "deploy")):
        for name in sorted(files):
            if not name.endswith((".yaml", ".yml")):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            try:
                with open(path) as f:
                    docs[rel] = [d for d in yaml.safe_load_all(f) if d is not None]
            except yaml.YAMLError as e:
                errors.append((rel, "valid YAML ({})".format(" ".join(str(e).split()))))
    with open(dockerfile) as f:
        parsed = parse_dockerfile(f.read())
    base_dir = os.path.join(root, BASE)
    base_files = sorted(os.listdir(base_dir)) if os.path.isdir(base_dir) else []
    return {"docs": docs, "yaml_errors": errors, "dockerfile": parsed,
            "dockerfile_path": os.path.relpath(dockerfile, root) if dockerfile.startswith(root)
            else dockerfile, "base_files": base_files, "flags": advectd_flags(advectd)}


# ---------------------------------------------------------------- checks

class Checker:
    def __init__(self, model):
        self.m = model
        self.failures = []
        self.passed = []

    def check(self, ok, where, what):
        """Records one check: `where` is "file: field", `what` says what must hold."""
        (self.passed if ok else self.failures).append(f"{where}: {what}")
        return ok

    def fail(self, where, what):
        return self.check(False, where, what)

    def objects(self, prefix):
        for rel, docs in sorted(self.m["docs"].items()):
            if rel.startswith(prefix):
                for doc in docs:
                    if isinstance(doc, dict):
                        yield rel, doc

    def find(self, prefix, kind, name=None):
        return [(rel, d) for rel, d in self.objects(prefix)
                if d.get("kind") == kind and (name is None or d.get("metadata", {}).get("name") == name)]

    def one(self, prefix, kind):
        found = self.find(prefix, kind)
        if not self.check(len(found) == 1, f"{prefix}/", f"exactly one {kind} (found {len(found)})"):
            return None, None
        return found[0]

    def run(self):
        m = self.m
        for rel, what in m["yaml_errors"]:
            self.fail(rel, what)
        self.guarded(m["dockerfile_path"], self.check_dockerfile)
        self.guarded("deploy/k8s", self.check_k8s_metadata)
        self.guarded(KUSTOMIZATION, self.check_kustomization)
        dep_rel, dep = self.one(BASE, "Deployment")
        if dep is not None and self.check(len(pod_spec(dep).get("containers") or []) == 1,
                                          f"{dep_rel}: spec.template.spec.containers",
                                          "one container"):
            cm = self.guarded(dep_rel, self.check_deployment, dep_rel, dep)
            if cm is not None:
                self.guarded(cm[0], self.check_configmap, *cm)
            self.guarded(f"{BASE} Services", self.check_services, dep_rel, dep)
            self.guarded(f"{BASE} HPA/PDB", self.check_hpa_pdb, dep_rel, dep)
            self.guarded(BATCH, self.check_sweep, dep)
        self.guarded(COMPOSE, self.check_compose)
        return self

    def guarded(self, where, check, *args):
        """Runs one group of checks; a manifest too malformed to walk is a failure, not a crash."""
        try:
            return check(*args)
        except (KeyError, IndexError, TypeError, AttributeError, ValueError) as e:
            self.fail(where, f"of the shape {check.__name__} expects ({type(e).__name__}: {e})")
            return None

    def check_dockerfile(self):
        d, where = self.m["dockerfile"], self.m["dockerfile_path"]
        self.check(len(d["expose"]) == 1, f"{where}: EXPOSE", f"one port exposed (found {d['expose']})")
        self.check(d["user"] is not None and d["user"].isdigit() and d["user"] != "0",
                   f"{where}: USER", f"a numeric non-root uid (found {d['user']!r})")
        listen = d["env"].get("ADVECT_LISTEN", "")
        self.check(listen.rpartition(":")[2].isdigit(), f"{where}: ENV ADVECT_LISTEN",
                   f"HOST:PORT (found {listen!r})")
        self.check(d["healthcheck"] is not None, f"{where}: HEALTHCHECK", "a CMD")

    def docker_port(self):
        d = self.m["dockerfile"]
        return d["expose"][0] if d["expose"] else None

    def docker_listen_port(self):
        port = self.m["dockerfile"]["env"].get("ADVECT_LISTEN", "").rpartition(":")[2]
        return int(port) if port.isdigit() else None

    def docker_uid(self):
        user = self.m["dockerfile"]["user"]
        return int(user) if user and user.isdigit() else None

    def check_k8s_metadata(self):
        for rel, doc in self.objects("deploy/k8s/"):
            kind = doc.get("kind")
            self.check(bool(doc.get("apiVersion")), f"{rel}: apiVersion", f"set ({kind})")
            self.check(bool(kind), f"{rel}: kind", "set")
            if kind != "Kustomization":
                name = (doc.get("metadata") or {}).get("name")
                self.check(bool(name), f"{rel}: metadata.name", f"set ({kind})")

    def check_kustomization(self):
        docs = self.m["docs"].get(KUSTOMIZATION)
        if not self.check(bool(docs), KUSTOMIZATION, "present and parsed"):
            return
        k = docs[0]
        resources = k.get("resources") or []
        self.check(len(resources) == len(set(resources)), f"{KUSTOMIZATION}: resources",
                   f"no duplicates ({resources})")
        present = [n for n in self.m["base_files"] if n.endswith((".yaml", ".yml"))
                   and n not in ("kustomization.yaml", "kustomization.yml")]
        for r in resources:
            self.check(r in self.m["base_files"], f"{KUSTOMIZATION}: resources",
                       f"{r} exists in {BASE}/")
        for n in present:
            self.check(n in resources, f"{KUSTOMIZATION}: resources",
                       f"lists {BASE}/{n}")

    def kustomize_image(self, name):
        docs = self.m["docs"].get(KUSTOMIZATION) or [{}]
        for img in docs[0].get("images") or []:
            if img.get("name") == name:
                new = img.get("newName", name)
                return f"{new}:{img['newTag']}" if "newTag" in img else new
        return name

    @staticmethod
    def effective(container, pod_spec, key):
        value = (container.get("securityContext") or {}).get(key)
        return value if value is not None else (pod_spec.get("securityContext") or {}).get(key)

    def check_pod_security(self, where, container, pod_spec):
        uid = self.docker_uid()
        self.check(self.effective(container, pod_spec, "runAsNonRoot") is True,
                   f"{where}.securityContext.runAsNonRoot", "true")
        run_as = self.effective(container, pod_spec, "runAsUser")
        self.check(run_as == uid, f"{where}.securityContext.runAsUser",
                   f"the Dockerfile's USER uid {uid} (found {run_as})")
        sc = container.get("securityContext") or {}
        self.check(sc.get("readOnlyRootFilesystem") is True,
                   f"{where}.securityContext.readOnlyRootFilesystem", "true")
        self.check(sc.get("allowPrivilegeEscalation") is False,
                   f"{where}.securityContext.allowPrivilegeEscalation", "false")
        drop = (sc.get("capabilities") or {}).get("drop") or []
        self.check("ALL" in drop, f"{where}.securityContext.capabilities.drop", f"ALL (found {drop})")
        res = container.get("resources") or {}
        for section in ("requests", "limits"):
            for r in ("cpu", "memory"):
                self.check(r in (res.get(section) or {}), f"{where}.resources.{section}.{r}", "set")

    def check_deployment(self, rel, dep):
        spec = dep.get("spec") or {}
        pod = (spec.get("template") or {}).get("spec") or {}
        labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
        match = (spec.get("selector") or {}).get("matchLabels") or {}
        self.check(bool(match) and subset(match, labels), f"{rel}: spec.selector.matchLabels",
                   f"non-empty and within the pod labels ({match} vs {labels})")
        self.check("replicas" not in spec, f"{rel}: spec.replicas",
                   "not set (the HorizontalPodAutoscaler owns it)")
        c = pod["containers"][0]
        where = f"{rel}: containers[{c.get('name')}]"
        image = self.kustomize_image(c.get("image"))
        self.check(bool(c.get("image")), f"{where}.image", f"set (renders as {image})")

        ports = [p for p in c.get("ports") or [] if p.get("name") == "grpc"]
        port = ports[0].get("containerPort") if ports else None
        self.check(port is not None, f"{where}.ports", "a port named grpc")
        self.check(port == self.docker_port(), f"{where}.ports[grpc].containerPort",
                   f"the Dockerfile's EXPOSE {self.docker_port()} (found {port})")
        self.check(port == self.docker_listen_port(), f"{where}.ports[grpc].containerPort",
                   f"the port of the Dockerfile's ENV ADVECT_LISTEN {self.docker_listen_port()} "
                   f"(found {port})")
        for probe in ("readinessProbe", "livenessProbe"):
            grpc = (c.get(probe) or {}).get("grpc")
            if self.check(isinstance(grpc, dict), f"{where}.{probe}.grpc", "a native gRPC probe"):
                self.check(grpc.get("port") == port, f"{where}.{probe}.grpc.port",
                           f"the container port {port} (found {grpc.get('port')})")
        self.check_pod_security(where, c, pod)

        refs = [e["configMapRef"]["name"] for e in c.get("envFrom") or [] if "configMapRef" in e]
        if not self.check(len(refs) == 1, f"{where}.envFrom", f"one configMapRef (found {refs})"):
            return None
        found = self.find(BASE, "ConfigMap", refs[0])
        if not self.check(len(found) == 1, f"{where}.envFrom.configMapRef.name",
                          f"a ConfigMap {refs[0]!r} in {BASE}/"):
            return None
        cm_rel, cm = found[0]
        data = cm.get("data") or {}
        if not self.check(isinstance(data, dict), f"{cm_rel}: data", "a mapping"):
            return None

        grace_text = str(data.get("ADVECT_SHUTDOWN_GRACE_SECONDS", ""))
        if self.check(grace_text.isdigit(), f"{cm_rel}: data.ADVECT_SHUTDOWN_GRACE_SECONDS",
                      f"set to whole seconds (found {grace_text!r})"):
            grace = int(grace_text)
            pre_stop = pre_stop_sleep(c)
            tgps = pod.get("terminationGracePeriodSeconds", 30)
            need = grace + pre_stop + SHUTDOWN_TAIL_SECONDS
            self.check(isinstance(tgps, int) and tgps > need,
                       f"{rel}: spec.template.spec.terminationGracePeriodSeconds",
                       f"> preStop sleep {pre_stop} + ADVECT_SHUTDOWN_GRACE_SECONDS {grace} + "
                       f"advectd's {SHUTDOWN_TAIL_SECONDS} s after the grace = {need} (found {tgps})")
        listen = str(data.get("ADVECT_LISTEN", ""))
        host, _, lport = listen.rpartition(":")
        self.check(lport.isdigit() and int(lport) == port and host in ("0.0.0.0", "[::]", "::"),
                   f"{cm_rel}: data.ADVECT_LISTEN",
                   f"all interfaces on the container port {port} (found {listen!r})")
        workers = str(data.get("ADVECT_WORKERS", ""))
        self.check(workers.isdigit() and int(workers) > 0, f"{cm_rel}: data.ADVECT_WORKERS",
                   f"a positive count; 0 sizes to the node's CPUs, not the container's "
                   f"(found {workers!r})")
        return cm_rel, cm

    def check_configmap(self, rel, cm):
        flags = self.m["flags"]
        for key, value in (cm.get("data") or {}).items():
            self.check(key in flags, f"{rel}: data.{key}", "a variable of an advectd flag")
            self.check(isinstance(value, str), f"{rel}: data.{key}",
                       f"a string (ConfigMap data; found {type(value).__name__})")

    def pod_labels(self, dep):
        return ((dep.get("spec") or {}).get("template") or {}).get("metadata", {}).get("labels") or {}

    def sweep_pod_labels(self):
        return [((j.get("spec") or {}).get("template") or {}).get("metadata", {}).get("labels") or {}
                for _, j in self.find(BATCH, "Job")]

    def check_services(self, dep_rel, dep):
        labels = self.pod_labels(dep)
        c = pod_spec(dep)["containers"][0]
        port = next((p.get("containerPort") for p in c.get("ports") or [] if p.get("name") == "grpc"),
                    None)
        services = self.find(BASE, "Service")
        headless = [s for s in services if (s[1].get("spec") or {}).get("clusterIP") == "None"]
        cluster = [s for s in services if (s[1].get("spec") or {}).get("clusterIP") != "None"]
        self.check(len(cluster) == 1, f"{BASE}/: Service", f"one ClusterIP Service (found {len(cluster)})")
        self.check(len(headless) == 1, f"{BASE}/: Service",
                   f"one headless Service, clusterIP: None (found {len(headless)})")
        for rel, svc in services:
            spec = svc.get("spec") or {}
            sel = spec.get("selector") or {}
            self.check(bool(sel) and subset(sel, labels), f"{rel}: spec.selector",
                       f"selects the pods of {dep_rel} ({sel} vs {labels})")
            for other in self.sweep_pod_labels():
                self.check(not subset(sel, other), f"{rel}: spec.selector",
                           f"does not select the batch Job's pods ({other})")
            grpc = [p for p in spec.get("ports") or [] if p.get("name") == "grpc"]
            if not self.check(len(grpc) == 1, f"{rel}: spec.ports", "a port named grpc"):
                continue
            p = grpc[0]
            self.check(p.get("targetPort") in ("grpc", port), f"{rel}: spec.ports[grpc].targetPort",
                       f"the container port grpc (found {p.get('targetPort')!r})")
            # A headless Service's clients dial pod IPs with the Service's port.
            self.check(p.get("port") == port, f"{rel}: spec.ports[grpc].port",
                       f"the container port {port} (found {p.get('port')})")
            self.check(p.get("appProtocol") == "grpc", f"{rel}: spec.ports[grpc].appProtocol", "grpc")

    def check_hpa_pdb(self, dep_rel, dep):
        name = dep["metadata"].get("name")
        rel, hpa = self.one(BASE, "HorizontalPodAutoscaler")
        if hpa is not None:
            spec = hpa.get("spec") or {}
            ref = spec.get("scaleTargetRef") or {}
            self.check(hpa.get("apiVersion") == "autoscaling/v2", f"{rel}: apiVersion", "autoscaling/v2")
            self.check((ref.get("apiVersion"), ref.get("kind"), ref.get("name")) ==
                       ("apps/v1", "Deployment", name), f"{rel}: spec.scaleTargetRef",
                       f"apps/v1 Deployment {name} (found {ref})")
            lo, hi = spec.get("minReplicas", 1), spec.get("maxReplicas")
            self.check(isinstance(hi, int) and 1 <= lo <= hi, f"{rel}: spec.min/maxReplicas",
                       f"1 <= min <= max (found {lo}, {hi})")
            cpu = [mt for mt in spec.get("metrics") or []
                   if mt.get("type") == "Resource" and (mt.get("resource") or {}).get("name") == "cpu"]
            self.check(bool(cpu), f"{rel}: spec.metrics", "a Resource metric on cpu")
        rel, pdb = self.one(BASE, "PodDisruptionBudget")
        if pdb is not None:
            spec = pdb.get("spec") or {}
            self.check(pdb.get("apiVersion") == "policy/v1", f"{rel}: apiVersion", "policy/v1")
            sel = (spec.get("selector") or {}).get("matchLabels") or {}
            self.check(bool(sel) and subset(sel, self.pod_labels(dep)),
                       f"{rel}: spec.selector.matchLabels",
                       f"selects the pods of {dep_rel} ({sel})")
            self.check(("minAvailable" in spec) != ("maxUnavailable" in spec), f"{rel}: spec",
                       "exactly one of minAvailable, maxUnavailable")

    def check_sweep(self, dep):
        jobs = self.find(BATCH, "Job")
        if not self.check(len(jobs) == 1, f"{BATCH}/: Job", f"one Job (found {len(jobs)})"):
            return
        rel, job = jobs[0]
        spec = job.get("spec") or {}
        pod = (spec.get("template") or {}).get("spec") or {}
        self.check(spec.get("completionMode") == "Indexed", f"{rel}: spec.completionMode", "Indexed")
        completions = spec.get("completions")
        self.check(isinstance(completions, int) and completions > 0, f"{rel}: spec.completions",
                   f"a positive count (found {completions})")
        self.check(isinstance(spec.get("parallelism"), int), f"{rel}: spec.parallelism", "set")
        containers = pod.get("containers") or []
        if not self.check(len(containers) == 1, f"{rel}: containers", "one container"):
            return
        c = containers[0]
        where = f"{rel}: containers[{c.get('name')}]"
        dep_image = self.kustomize_image(pod_spec(dep)["containers"][0].get("image"))
        self.check(c.get("image") == dep_image, f"{where}.image",
                   f"the server's image {dep_image} (found {c.get('image')})")
        self.check(c.get("command") == ["advect"], f"{where}.command", '["advect"]')
        self.check_pod_security(where, c, pod)
        args = [str(a) for a in c.get("args") or []]
        server = args[args.index("--server") + 1] if "--server" in args[:-1] else None
        svc_ports = {(s.get("metadata") or {}).get("name"): [p.get("port") for p in
                     (s.get("spec") or {}).get("ports") or []] for _, s in self.find(BASE, "Service")}
        host, _, sport = (server or "").rpartition(":")
        svc = host.split(".")[0]
        self.check(svc in svc_ports and sport.isdigit() and int(sport) in svc_ports[svc],
                   f"{where}.args --server", f"a Service of {BASE} and its port (found {server!r}; "
                   f"Services {svc_ports})")
        # Files under the ConfigMap volumes' mount paths must be keys of those ConfigMaps.
        mounts = {v.get("name"): v.get("mountPath") for v in c.get("volumeMounts") or []}
        data = {}
        for v in pod.get("volumes") or []:
            if "configMap" in v and v.get("name") in mounts:
                cms = self.find(BATCH, "ConfigMap", v["configMap"].get("name"))
                if self.check(len(cms) == 1, f"{rel}: volumes[{v['name']}].configMap.name",
                              f"a ConfigMap {v['configMap'].get('name')!r} in {BATCH}/"):
                    data[mounts[v["name"]].rstrip("/")] = (cms[0][1].get("data") or {})
        for a in args:
            for mount, keys in data.items():
                if not a.startswith(mount + "/"):
                    continue
                key = a[len(mount) + 1:]
                wanted = ([key.replace("$(JOB_COMPLETION_INDEX)", str(i))
                           for i in range(completions or 0)]
                          if "$(JOB_COMPLETION_INDEX)" in key else [key])
                for w in wanted:
                    self.check(w in keys, f"{where}.args {a}", f"{w} is a key of the mounted ConfigMap")

    def check_compose(self):
        docs = self.m["docs"].get(COMPOSE)
        if not self.check(bool(docs), COMPOSE, "present and parsed"):
            return
        svc = ((docs[0].get("services") or {}).get("advectd"))
        if not self.check(isinstance(svc, dict), f"{COMPOSE}: services.advectd", "defined"):
            return
        where = f"{COMPOSE}: services.advectd"
        flags = self.m["flags"]
        build = svc.get("build") or {}
        context = build.get("context") if isinstance(build, dict) else build
        self.check(os.path.normpath(os.path.join("deploy", context or ".")) == ".",
                   f"{where}.build.context", f".. (the repository root; found {context!r})")
        dfile = build.get("dockerfile", "Dockerfile") if isinstance(build, dict) else "Dockerfile"
        self.check(dfile == os.path.basename(self.m["dockerfile_path"]), f"{where}.build.dockerfile",
                   f"{os.path.basename(self.m['dockerfile_path'])} (found {dfile!r})")
        k8s_image = self.kustomize_image("advect")
        self.check(svc.get("image") == k8s_image, f"{where}.image",
                   f"the kustomize image {k8s_image} (found {svc.get('image')!r})")
        self.check(svc.get("init") is True, f"{where}.init", "true")
        self.check(bool(svc.get("restart")), f"{where}.restart", "set")
        limits = (((svc.get("deploy") or {}).get("resources") or {}).get("limits") or {})
        self.check("cpus" in limits and "memory" in limits, f"{where}.deploy.resources.limits",
                   f"cpus and memory (found {sorted(limits)})")

        env = svc.get("environment") or {}
        if isinstance(env, list):
            env = dict(e.split("=", 1) if "=" in e else (e, None) for e in env)
        for key in env:
            if key.startswith("ADVECT_"):
                self.check(key in flags, f"{where}.environment.{key}", "a variable of an advectd flag")
        port = self.docker_port()
        listen = str(env.get("ADVECT_LISTEN") or self.m["dockerfile"]["env"].get("ADVECT_LISTEN", ""))
        self.check(listen.rpartition(":")[2] == str(port), f"{where}.environment.ADVECT_LISTEN",
                   f"port {port} (found {listen!r})")
        targets = [compose_target_port(p) for p in svc.get("ports") or []]
        self.check(port in targets, f"{where}.ports", f"publishes the Dockerfile's EXPOSE {port} "
                   f"(container ports {targets})")

        test = (svc.get("healthcheck") or {}).get("test")
        if isinstance(test, str):
            test = ["CMD-SHELL", test]
        ok = isinstance(test, list) and len(test) > 1 and test[0] in ("CMD", "CMD-SHELL")
        if self.check(ok, f"{where}.healthcheck.test", "a CMD or CMD-SHELL command"):
            cmd = test[1:] if test[0] == "CMD" else shlex.split(test[1])
            hc_server = cmd[cmd.index("--server") + 1] if "--server" in cmd[:-1] else None
            self.check(cmd[:1] == ["advect"] and "health" in cmd, f"{where}.healthcheck.test",
                       f"advect ... health (found {cmd})")
            self.check(hc_server == f"127.0.0.1:{port}", f"{where}.healthcheck.test --server",
                       f"127.0.0.1:{port}, the listen port (found {hc_server!r})")
            d_hc = self.m["dockerfile"]["healthcheck"] or []
            self.check(cmd == d_hc, f"{where}.healthcheck.test",
                       f"the Dockerfile's HEALTHCHECK {d_hc} (found {cmd})")

        grace = str(env.get("ADVECT_SHUTDOWN_GRACE_SECONDS")
                    or flags.get("ADVECT_SHUTDOWN_GRACE_SECONDS", ""))
        stop = duration_seconds(svc.get("stop_grace_period", "10s"))
        if self.check(grace.isdigit() and stop is not None, f"{where}.stop_grace_period",
                      f"a duration, and a known shutdown grace (found {svc.get('stop_grace_period')!r},"
                      f" {grace!r})"):
            need = int(grace) + SHUTDOWN_TAIL_SECONDS
            self.check(stop > need, f"{where}.stop_grace_period",
                       f"> ADVECT_SHUTDOWN_GRACE_SECONDS {grace} + advectd's "
                       f"{SHUTDOWN_TAIL_SECONDS} s after the grace = {need} (found {stop:g} s)")


def pod_spec(workload):
    return ((workload.get("spec") or {}).get("template") or {}).get("spec") or {}


def subset(small, big):
    return all(big.get(k) == v for k, v in small.items())


def pre_stop_sleep(container):
    """Seconds of a preStop `sleep N` (exec or the native sleep action), else 0."""
    pre = (container.get("lifecycle") or {}).get("preStop") or {}
    if "sleep" in pre:
        return int(pre["sleep"].get("seconds", 0))
    cmd = (pre.get("exec") or {}).get("command") or []
    if len(cmd) == 2 and cmd[0] in ("sleep", "/bin/sleep") and cmd[1].isdigit():
        return int(cmd[1])
    return 0


def compose_target_port(entry):
    if isinstance(entry, dict):
        return int(entry.get("target", 0))
    text = str(entry).split("/")[0]
    return int(text.rsplit(":", 1)[-1]) if text.rsplit(":", 1)[-1].isdigit() else None


def duration_seconds(value):
    """Compose durations: 1m30s, 45s, 500ms, 2h."""
    if isinstance(value, (int, float)):
        return float(value)
    parts = re.findall(r"(\d+(?:\.\d+)?)(us|ms|s|m|h)", str(value))
    if not parts or "".join(n + u for n, u in parts) != str(value):
        return None
    scale = {"us": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}
    return sum(float(n) * scale[u] for n, u in parts)


# ---------------------------------------------------------------- self-test

def mutations():
    """(description, function(model), substring expected in a new failure)."""
    def docs(model, rel):
        return model["docs"][rel]

    def dep(model):
        return next(d for d in docs(model, f"{BASE}/deployment.yaml") if d["kind"] == "Deployment")

    def container(model):
        return dep(model)["spec"]["template"]["spec"]["containers"][0]

    def cm(model):
        return docs(model, f"{BASE}/configmap.yaml")[0]

    def compose(model):
        return docs(model, COMPOSE)[0]["services"]["advectd"]

    def job(model):
        return next(d for d in docs(model, f"{BATCH}/sweep-job.yaml") if d["kind"] == "Job")

    def kust(model):
        return docs(model, KUSTOMIZATION)[0]

    return [
        ("readiness probe on a wrong port",
         lambda m: container(m)["readinessProbe"]["grpc"].__setitem__("port", 50052),
         "deployment.yaml: containers[advectd].readinessProbe.grpc.port"),
        ("liveness probe removed",
         lambda m: container(m).pop("livenessProbe"),
         "deployment.yaml: containers[advectd].livenessProbe.grpc"),
        ("unknown ADVECT_ key in the ConfigMap",
         lambda m: cm(m)["data"].__setitem__("ADVECT_NO_SUCH_FLAG", "1"),
         "configmap.yaml: data.ADVECT_NO_SUCH_FLAG"),
        ("ConfigMap value not a string",
         lambda m: cm(m)["data"].__setitem__("ADVECT_WORKERS", 2),
         "configmap.yaml: data.ADVECT_WORKERS"),
        ("unknown ADVECT_ key in compose",
         lambda m: compose(m)["environment"].__setitem__("ADVECT_TYPO", "x"),
         "compose.yaml: services.advectd.environment.ADVECT_TYPO"),
        ("kustomization leaves out pdb.yaml",
         lambda m: kust(m)["resources"].remove("pdb.yaml"),
         "kustomization.yaml: resources: lists deploy/k8s/base/pdb.yaml"),
        ("kustomization lists a missing file",
         lambda m: kust(m)["resources"].append("ingress.yaml"),
         "kustomization.yaml: resources: ingress.yaml exists"),
        ("a yaml in base/ not in the kustomization",
         lambda m: m["base_files"].append("extra.yaml"),
         "lists deploy/k8s/base/extra.yaml"),
        ("terminationGracePeriodSeconds too short",
         lambda m: dep(m)["spec"]["template"]["spec"].__setitem__(
             "terminationGracePeriodSeconds", 20),
         "terminationGracePeriodSeconds"),
        ("shutdown grace raised past the termination grace",
         lambda m: cm(m)["data"].__setitem__("ADVECT_SHUTDOWN_GRACE_SECONDS", "300"),
         "terminationGracePeriodSeconds"),
        ("runAsUser differs from the Dockerfile's USER",
         lambda m: dep(m)["spec"]["template"]["spec"]["securityContext"].__setitem__(
             "runAsUser", 1000),
         "deployment.yaml: containers[advectd].securityContext.runAsUser"),
        ("Dockerfile EXPOSE changed",
         lambda m: m["dockerfile"].__setitem__("expose", [8080]),
         "containerPort: the Dockerfile's EXPOSE 8080"),
        ("Dockerfile ADVECT_LISTEN port changed",
         lambda m: m["dockerfile"]["env"].__setitem__("ADVECT_LISTEN", "0.0.0.0:6000"),
         "ENV ADVECT_LISTEN 6000"),
        ("memory limit removed",
         lambda m: container(m)["resources"]["limits"].pop("memory"),
         "resources.limits.memory"),
        ("readOnlyRootFilesystem off",
         lambda m: container(m)["securityContext"].__setitem__("readOnlyRootFilesystem", False),
         "deployment.yaml: containers[advectd].securityContext.readOnlyRootFilesystem"),
        ("Service selector matches no pod",
         lambda m: docs(m, f"{BASE}/service.yaml")[0]["spec"]["selector"].__setitem__(
             "app.kubernetes.io/name", "other"),
         "service.yaml: spec.selector"),
        ("Service selector also selects the sweep pods",
         lambda m: docs(m, f"{BASE}/service.yaml")[0]["spec"]["selector"].pop(
             "app.kubernetes.io/component"),
         "does not select the batch Job's pods"),
        ("headless Service gets a cluster IP",
         lambda m: docs(m, f"{BASE}/service-headless.yaml")[0]["spec"].pop("clusterIP"),
         "one headless Service"),
        ("headless Service on another port",
         lambda m: docs(m, f"{BASE}/service-headless.yaml")[0]["spec"]["ports"][0]
              .__setitem__("port", 80),
         "service-headless.yaml: spec.ports[grpc].port"),
        ("HPA targets another Deployment",
         lambda m: docs(m, f"{BASE}/hpa.yaml")[0]["spec"]["scaleTargetRef"].__setitem__(
             "name", "other"),
         "hpa.yaml: spec.scaleTargetRef"),
        ("PDB selects other pods",
         lambda m: docs(m, f"{BASE}/pdb.yaml")[0]["spec"]["selector"]["matchLabels"]
              .__setitem__("app.kubernetes.io/name", "other"),
         "pdb.yaml: spec.selector.matchLabels"),
        ("compose healthcheck on a wrong port",
         lambda m: compose(m)["healthcheck"].__setitem__(
             "test", ["CMD", "advect", "--server", "127.0.0.1:9999", "health"]),
         "compose.yaml: services.advectd.healthcheck.test --server"),
        ("compose publishes another container port",
         lambda m: compose(m).__setitem__("ports", ["127.0.0.1:50051:8080"]),
         "compose.yaml: services.advectd.ports"),
        ("compose stop_grace_period too short",
         lambda m: compose(m).__setitem__("stop_grace_period", "10s"),
         "compose.yaml: services.advectd.stop_grace_period"),
        ("compose image differs from the kustomize image",
         lambda m: compose(m).__setitem__("image", "advect:latest"),
         "compose.yaml: services.advectd.image"),
        ("sweep Job dials an unknown Service",
         lambda m: job(m)["spec"]["template"]["spec"]["containers"][0]["args"].__setitem__(
             1, "advectd:50051"),
         "sweep-job.yaml: containers[advect].args --server"),
        ("sweep Job has more completions than inputs",
         lambda m: job(m)["spec"].__setitem__("completions", 5),
         "y-4.csv is a key"),
        ("Deployment without containers",
         lambda m: dep(m)["spec"]["template"]["spec"].__setitem__("containers", []),
         "deployment.yaml: spec.template.spec.containers"),
        ("ConfigMap data malformed (a list)",
         lambda m: cm(m).__setitem__("data", ["ADVECT_WORKERS=2"]),
         "configmap.yaml: data: a mapping"),
        ("HPA metrics malformed (a string)",
         lambda m: docs(m, f"{BASE}/hpa.yaml")[0]["spec"].__setitem__("metrics", "cpu"),
         "HPA/PDB: of the shape check_hpa_pdb expects"),
        ("an object without metadata.name",
         lambda m: docs(m, f"{BASE}/pdb.yaml")[0]["metadata"].pop("name"),
         "pdb.yaml: metadata.name"),
    ]


def dockerfile_parser_cases():
    text = ("FROM a AS build\nUSER 0\nEXPOSE 1\n# c\nFROM b\nRUN x \\\n  && y\n"
            "USER 123:456\nENV A=1 B=\"two words\"\nENV C three four\nEXPOSE 7000/tcp\n"
            "HEALTHCHECK --interval=5s \\\n  CMD advect --server 127.0.0.1:7000 health\n")
    got = parse_dockerfile(text)
    want = {"expose": [7000], "user": "123", "env": {"A": "1", "B": "two words", "C": "three four"},
            "healthcheck": ["advect", "--server", "127.0.0.1:7000", "health"]}
    return got == want, f"parse_dockerfile: got {got}, want {want}"


def self_test(model):
    baseline = set(Checker(model).run().failures)
    print(f"self-test: baseline has {len(baseline)} failure(s)")
    bad = 0
    ok, msg = dockerfile_parser_cases()
    print(f"  {'ok  ' if ok else 'MISS'} {msg if not ok else 'Dockerfile parser (stages, continuations, ENV forms)'}")
    bad += not ok
    for name, mutate, expect in mutations():
        m = copy.deepcopy(model)
        mutate(m)
        new = [f for f in Checker(m).run().failures if f not in baseline]
        hit = [f for f in new if expect in f]
        if hit:
            print(f"  ok   {name}: {hit[0]}")
        else:
            bad += 1
            print(f"  MISS {name}: no new failure containing {expect!r}; new failures: {new}")
    total = len(mutations()) + 1
    if bad:
        print(f"self-test FAILED: {bad} of {total} break(s) not reported")
        return 1
    print(f"self-test passed: all {total} breaks reported")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--root", required=True, help="repository root (holds deploy/ and Dockerfile)")
    ap.add_argument("--advectd", required=True, help="advectd binary, run with --help for its flags")
    ap.add_argument("--dockerfile", help="Dockerfile (default ROOT/Dockerfile)")
    ap.add_argument("--self-test", action="store_true", help="check that the checker catches breaks")
    args = ap.parse_args()
    root = os.path.abspath(args.root)
    model = load_model(root, os.path.abspath(args.dockerfile or os.path.join(root, "Dockerfile")),
                       args.advectd)
    if args.self_test:
        return self_test(model)
    print(f"files: {', '.join(sorted(model['docs']))}")
    print(f"advectd flags: {len(model['flags'])} ADVECT_* variables; Dockerfile: EXPOSE "
          f"{model['dockerfile']['expose']}, USER {model['dockerfile']['user']}, ADVECT_LISTEN "
          f"{model['dockerfile']['env'].get('ADVECT_LISTEN')}")
    c = Checker(model).run()
    for p in c.passed:
        print(f"ok   {p}")
    for f in c.failures:
        print(f"FAIL {f}")
    print(f"{len(c.passed)} checks passed, {len(c.failures)} failed")
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())
