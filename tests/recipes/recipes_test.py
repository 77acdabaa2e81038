#!/usr/bin/env python3
"""The scale-out recipes in the repository, checked as their tools would read them.

.github/workflows/testplanet.yml against GitHub Actions' documented workflow keys (no linter
installs offline): every job and step key known, each step either `uses` or `run`, `needs`
naming real jobs, Debian 12 containers set up with ci/deps.sh, a shard matrix that does not stop
at the first failure and matches SHARDS, each shard uploading its report, a last job that
merges. deploy/kubernetes/*.yaml: an Indexed Job whose index picks the shard and its own output
directory on a declared volume, run once per index. Dockerfile: Debian 12 stages, COPY sources
that exist, and a runtime stage that installs the libraries the binary loads. Every testplanet
command in them uses only flags `testplanet SUB --help` lists.

Usage: recipes_test.py TESTPLANET SOURCE_DIR
"""
import os
import re
import shlex
import subprocess
import sys

try:
    import yaml
except ImportError:  # a Python without PyYAML: Debian's has it (python3-yaml)
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

TESTPLANET, SOURCE = sys.argv[1], sys.argv[2]
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def load(path):
    with open(os.path.join(SOURCE, path)) as f:
        return yaml.safe_load(f)


# Documented keys (docs.github.com, "Workflow syntax for GitHub Actions").
WORKFLOW_KEYS = {"name", "run-name", "on", "permissions", "env", "defaults", "concurrency", "jobs"}
JOB_KEYS = {"name", "permissions", "needs", "if", "runs-on", "environment", "concurrency",
            "outputs", "env", "defaults", "steps", "timeout-minutes", "strategy",
            "continue-on-error", "container", "services", "uses", "with", "secrets"}
STEP_KEYS = {"id", "if", "name", "uses", "run", "shell", "with", "env", "continue-on-error",
             "timeout-minutes", "working-directory"}
STRATEGY_KEYS = {"matrix", "fail-fast", "max-parallel"}

help_cache = {}


def flags_of(subcommand):
    if subcommand not in help_cache:
        out = subprocess.run([TESTPLANET, subcommand, "--help"], capture_output=True, text=True)
        check(out.returncode == 0, f"testplanet {subcommand} --help exited {out.returncode}")
        help_cache[subcommand] = set(re.findall(r"--[a-z][a-z0-9-]*", out.stdout))
    return help_cache[subcommand]


def check_command(words, where):
    """A testplanet command line: its subcommand exists and each flag is one it lists."""
    at = next((i for i, w in enumerate(words) if w.endswith("testplanet")), None)
    if at is None or at + 1 >= len(words):
        return
    subcommand = words[at + 1]
    known = flags_of(subcommand)
    for word in words[at + 2:]:
        if word.startswith("--"):
            flag = word.split("=")[0]
            check(flag in known, f"{where}: testplanet {subcommand} has no flag {flag}")


def commands_in(script):
    script = re.sub(r"\$\{\{[^}]*\}\}", "X", script)
    for line in script.replace("\\\n", " ").splitlines():
        if "testplanet" in line:
            yield shlex.split(line, comments=True)


def check_workflow():
    path = ".github/workflows/testplanet.yml"
    workflow = load(path)
    # PyYAML reads the key `on` as True.
    keys = {("on" if k is True else k) for k in workflow}
    check(keys <= WORKFLOW_KEYS, f"{path}: unknown top-level keys {keys - WORKFLOW_KEYS}")
    jobs = workflow["jobs"]
    for name, job in jobs.items():
        check(set(job) <= JOB_KEYS, f"{path}: job {name}: unknown keys {set(job) - JOB_KEYS}")
        check(job.get("container") == "debian:12", f"{path}: job {name} is not on Debian 12")
        needs = job.get("needs", [])
        for need in [needs] if isinstance(needs, str) else needs:
            check(need in jobs, f"{path}: job {name} needs {need}, which is not a job")
        runs = []
        for step in job["steps"]:
            check(set(step) <= STEP_KEYS, f"{path}: job {name}: unknown step keys {set(step) - STEP_KEYS}")
            check(("uses" in step) != ("run" in step), f"{path}: job {name}: a step needs uses or run: {step}")
            if "run" in step:
                runs.append(step["run"])
                for words in commands_in(step["run"]):
                    check_command(words, f"{path}: job {name}")
        check(any("bash ci/deps.sh" in r for r in runs), f"{path}: job {name} does not run ci/deps.sh")
    sweep = jobs["sweep"]
    check(set(sweep["strategy"]) <= STRATEGY_KEYS, f"{path}: unknown strategy keys")
    check(sweep["strategy"].get("fail-fast") is False, f"{path}: the shard matrix must not fail fast")
    shards = sweep["strategy"]["matrix"]["shard"]
    check(shards == list(range(int(workflow["env"]["SHARDS"]))),
          f"{path}: matrix shards {shards} do not match SHARDS={workflow['env']['SHARDS']}")
    check(os.path.exists(os.path.join(SOURCE, workflow["env"]["SCENARIO"])),
          f"{path}: SCENARIO {workflow['env']['SCENARIO']} does not exist")
    uploads = [s for s in sweep["steps"] if s.get("uses", "").startswith("actions/upload-artifact@")]
    check(uploads and "${{ matrix.shard }}" in uploads[0]["with"]["name"],
          f"{path}: each shard must upload its report under its own name")
    report = jobs["report"]
    check(report.get("needs") in ("sweep", ["sweep"]), f"{path}: report must need sweep")
    check("always()" in str(report.get("if", "")), f"{path}: report must run when a shard failed")
    check(any("testplanet merge" in s.get("run", "") for s in report["steps"]),
          f"{path}: report does not merge the shards")


def check_kubernetes():
    sweep = load("deploy/kubernetes/sweep-job.yaml")
    merge = load("deploy/kubernetes/merge-job.yaml")
    volume = load("deploy/kubernetes/results-volume.yaml")
    check(sweep["kind"] == "Job" and sweep["spec"]["completionMode"] == "Indexed", "sweep: not an Indexed Job")
    check(sweep["spec"].get("backoffLimitPerIndex") == 0, "sweep: a failing shard must not be retried")
    check(sweep["spec"].get("backoffLimit", 0) == 0 or "backoffLimitPerIndex" in sweep["spec"],
          "sweep: a failing shard must not be retried")
    pod = sweep["spec"]["template"]["spec"]
    check(pod["restartPolicy"] == "Never", "sweep: restartPolicy must be Never")
    container = pod["containers"][0]
    args = container["args"]
    check(args[args.index("--shards-total") + 1] == str(sweep["spec"]["completions"]),
          "sweep: --shards-total must equal completions")
    out = args[args.index("--out") + 1]
    check("$(JOB_COMPLETION_INDEX)" in out, "sweep: each index must write its own --out")
    check(any(e["name"] == "JOB_COMPLETION_INDEX" for e in container.get("env", [])),
          "sweep: $(JOB_COMPLETION_INDEX) is expanded only from a declared env var")
    mount = container["volumeMounts"][0]
    check(out.startswith(mount["mountPath"] + "/"), "sweep: --out is not on the mounted volume")
    check(pod["volumes"][0]["name"] == mount["name"], "sweep: the mount names no declared volume")
    claim = pod["volumes"][0]["persistentVolumeClaim"]["claimName"]
    check(claim == volume["metadata"]["name"], "sweep: the claim is not results-volume.yaml's")
    check("ReadWriteMany" in volume["spec"]["accessModes"], "results: pods on many nodes write it")
    scenario = args[1]
    check(scenario.startswith("/scenarios/") and
          os.path.exists(os.path.join(SOURCE, "scenarios", scenario[len("/scenarios/"):])),
          f"sweep: {scenario} is not a scenario the image holds")
    check_command(["testplanet"] + args, "sweep-job.yaml")
    merge_pod = merge["spec"]["template"]["spec"]
    check(merge_pod["volumes"][0]["persistentVolumeClaim"]["claimName"] == claim, "merge: another volume")
    merge_line = merge_pod["containers"][0]["args"][0]
    check("testplanet merge" in merge_line and "/shard-*/sweep.jsonl" in merge_line,
          "merge: does not merge the shards' reports")
    check_command(shlex.split(merge_line), "merge-job.yaml")


def check_dockerfile():
    path = os.path.join(SOURCE, "Dockerfile")
    text = open(path).read()
    stages = re.findall(r"^FROM (\S+)", text, re.M)
    check(stages and all(s.startswith("debian:12") for s in stages), f"Dockerfile: stages {stages}")
    for source in re.findall(r"^COPY (?!--from)(\S+)", text, re.M):
        check(source == "." or os.path.exists(os.path.join(SOURCE, source)),
              f"Dockerfile: COPY {source} does not exist")
    check("ci/deps.sh --build-only" in text, "Dockerfile: the build stage must use ci/deps.sh")
    installed = set(re.findall(r"\b(lib[a-z0-9.+-]+)\b", text.split("FROM debian:12-slim")[1]))
    # The runtime stage must hold every library the binary loads, directly or as a dependency.
    needed = subprocess.run(["readelf", "-d", TESTPLANET], capture_output=True, text=True).stdout
    base = {"libc6", "libgcc-s1", "libstdc++6", "zlib1g"}
    depends = ""
    for package in installed:
        q = subprocess.run(["dpkg-query", "-W", "-f=${Depends}", package], capture_output=True, text=True)
        depends += q.stdout
    ldd = subprocess.run(["ldd", TESTPLANET], capture_output=True, text=True).stdout
    paths = dict(re.findall(r"^\s*(\S+) => (/\S+)", ldd, re.M))
    for library in re.findall(r"Shared library: \[([^\]]+)\]", needed):
        # A sanitizer build (the asan preset) loads its runtimes; the image is a Release build.
        if library not in paths or re.match(r"lib(a|ub|l|t)san\.", library):
            continue
        q = subprocess.run(["dpkg", "-S", os.path.realpath(paths[library])], capture_output=True, text=True)
        if q.returncode != 0:
            q = subprocess.run(["dpkg", "-S", paths[library]], capture_output=True, text=True)
        if q.returncode != 0:
            continue
        package = q.stdout.split(":")[0]
        check(package in base or package in installed or package in depends,
              f"Dockerfile: the runtime stage lacks {package} (for {library})")


check_workflow()
check_kubernetes()
check_dockerfile()
for f in failures:
    print("FAIL:", f)
print(f"recipes: {len(failures)} problem(s)")
sys.exit(1 if failures else 0)
