"""Plumbing for tests/test_hub.py: a real JupyterHub, N learners driven through its REST API, measured.

What happens, in order (each step is what a learner's browser or an instructor does on a hub):

1. ``ensure_tools`` finds, or installs, JupyterHub and nbgitpuller (PyPI, into this interpreter's
   environment) and configurable-http-proxy (npm, into ``<sys.prefix>/hub-node``).
2. ``Hub.start`` runs ``jupyterhub -f hub/jupyterhub_config.py`` (the repository's configuration)
   on free loopback ports, with the learners' homes and the hub's state in a temporary folder.
3. ``Learner.run`` (one thread per learner, all at once): log in through the login form; ask the
   hub's REST API for an API token (``POST /hub/api/users/{name}/tokens``); start the server
   (``POST /hub/api/users/{name}/server``) and poll until it is ready; open the nbgitpuller link,
   which pulls the course from a local git URL into the learner's home (or, without nbgitpuller,
   copy it there with ``git clone``: the documented fallback); then for each notebook: open a
   session on the learner's server (``POST /user/{name}/api/sessions``), read the learner's copy
   of the notebook through the contents API, and send every code cell to the kernel over the
   kernel's websocket (``/user/{name}/api/kernels/{id}/channels``), as JupyterLab does.
4. ``Monitor`` samples, every 0.25 s, the resident memory (RSS) of each learner's server process
   plus its kernels (psutil over the process tree), the hub's and the proxy's, and the load average;
   every 1 s also the proportional set size (PSS: each shared page split between the processes
   that map it), which is what many learners on one machine take together.
5. ``cross_access`` tries, with one learner's token, to read and write another's files and to
   reach another's kernels, through the hub and the single-user server APIs.

Everything listens on 127.0.0.1; nothing here reaches another host (the course's git URL is a
``file://`` URL of a bare clone made from this repository).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from nbtools import cpu_model

REPO = Path(__file__).resolve().parent.parent
CONFIG = REPO / "hub" / "jupyterhub_config.py"
COURSE_DIR = "autoencoders-course"  # the folder nbgitpuller pulls the course into, in each home
NOTEBOOKS = ["notebooks/00_start_here.ipynb", "exercises/06_denoising.ipynb"]
PASSWORD = "any"  # DummyAuthenticator accepts any password

# Bounds on a loaded 2-core machine, in seconds.
HUB_START_TIMEOUT = 120
SERVER_READY_TIMEOUT = 600
CELL_TIMEOUT = 600
SAMPLE_EVERY = 0.25

PIP_SPECS = ["jupyterhub>=5.0", "nbgitpuller>=1.2"]
NPM_SPEC = "configurable-http-proxy@5"


def ci_mode() -> bool:
    """True under CI (CI=true/1/yes), where a hub that cannot be installed is a failure, not a skip."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


# ---------------------------------------------------------------------------- tools

@dataclass
class Tools:
    jupyterhub: Path
    proxy: Path
    nbgitpuller: bool
    versions: dict
    installed: list = field(default_factory=list)  # what this run had to install


def _has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def ensure_tools(install: bool = True) -> Tools | str:
    """The hub's programs, installed if missing; or a sentence saying why they cannot be had."""
    bin_dir = Path(sys.executable).parent
    installed = []
    if install and not (_has("jupyterhub") and _has("nbgitpuller")):
        cmd = [sys.executable, "-m", "pip", "install", "-q", *PIP_SPECS]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
        if proc.returncode != 0 and not _has("jupyterhub"):
            return f"`{' '.join(cmd)}` failed: {proc.stderr.strip()[-400:]}"
        installed.append("pip: " + " ".join(PIP_SPECS))
        importlib.invalidate_caches()
    if not _has("jupyterhub"):
        return "JupyterHub is not installed (make hub-setup, or pip install jupyterhub)"
    hub_bin = bin_dir / "jupyterhub"
    if not hub_bin.exists():
        return f"JupyterHub is importable but {hub_bin} is missing"

    node_dir = Path(sys.prefix) / "hub-node"
    proxy = node_dir / "node_modules" / ".bin" / "configurable-http-proxy"
    if not proxy.exists() and shutil.which("configurable-http-proxy"):
        proxy = Path(shutil.which("configurable-http-proxy"))
    if not proxy.exists():
        npm = shutil.which("npm")
        if not install or npm is None:
            return ("configurable-http-proxy is missing and npm is not installed "
                    "(Debian/Ubuntu: sudo apt-get install nodejs npm; then make hub-setup)")
        node_dir.mkdir(parents=True, exist_ok=True)
        cmd = [npm, "install", "--no-audit", "--no-fund", "--prefix", str(node_dir), NPM_SPEC]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        if proc.returncode != 0 or not proxy.exists():
            return f"`{' '.join(cmd)}` failed: {(proc.stderr or proc.stdout).strip()[-400:]}"
        installed.append("npm: " + NPM_SPEC)

    versions = {"python": sys.version.split()[0]}
    from importlib.metadata import version
    for dist in ("jupyterhub", "jupyter_server", "jupyterlab", "nbgitpuller", "ipykernel", "numpy"):
        try:
            versions[dist] = version(dist)
        except Exception:
            pass
    out = subprocess.run([str(proxy), "--version"], capture_output=True, text=True, timeout=60)
    versions["configurable-http-proxy"] = out.stdout.strip()
    node = shutil.which("node")
    if node:
        versions["node"] = subprocess.run([node, "--version"], capture_output=True, text=True,
                                          timeout=60).stdout.strip().lstrip("v")
    return Tools(hub_bin, proxy, _has("nbgitpuller"), versions, installed)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def machine() -> dict:
    """The machine the measurement ran on: CPU model, cores, memory, load."""
    import psutil
    return {"cpu_model": cpu_model(), "cpus": os.cpu_count(),
            "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "system": f"{os.uname().sysname} {os.uname().machine}"}


# ---------------------------------------------------------------------------- the course's git URL

def course_git_url(workdir: Path) -> tuple[str, str]:
    """A bare clone of this repository's committed HEAD, as (file:// URL, branch)."""
    branch = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--abbrev-ref", "HEAD"],
                            capture_output=True, text=True, check=True).stdout.strip()
    bare = workdir / "course.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(REPO), str(bare)], check=True, timeout=300)
    return bare.as_uri(), branch


def nbgitpuller_link(base: str, repo_url: str, branch: str) -> str:
    """The link an instructor shares: log in, pull the course into ~/autoencoders-course, open 00."""
    from urllib.parse import urlencode
    query = urlencode({"repo": repo_url, "branch": branch, "targetpath": COURSE_DIR,
                       "urlpath": f"lab/tree/{COURSE_DIR}/notebooks/00_start_here.ipynb"})
    return f"{base}/hub/user-redirect/git-pull?{query}"


# ---------------------------------------------------------------------------- the hub

class Hub:
    """A JupyterHub started from hub/jupyterhub_config.py, on free ports, in a temporary folder."""

    def __init__(self, tools: Tools, workdir: Path):
        self.tools = tools
        self.state = workdir / "state"
        self.homes = workdir / "homes"
        self.log_path = workdir / "jupyterhub.log"
        self.port = free_port()
        self.admin_token = uuid.uuid4().hex
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        import requests
        env = dict(os.environ)
        env.update({
            "AE_HUB_PORT": str(self.port), "AE_HUB_HUB_PORT": str(free_port()),
            "AE_HUB_PROXY_PORT": str(free_port()), "AE_HUB_STATE": str(self.state),
            "AE_HUB_HOMES": str(self.homes), "AE_HUB_PROXY": str(self.tools.proxy),
            "AE_HUB_ADMIN_TOKEN": self.admin_token,
        })
        self.state.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen([str(self.tools.jupyterhub), "-f", str(CONFIG)],
                                        cwd=self.state, env=env, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + HUB_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"jupyterhub exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                r = requests.get(f"{self.base}/hub/api/", timeout=5)
                if r.status_code == 200:
                    self.version = r.json().get("version")
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"jupyterhub did not answer within {HUB_START_TIMEOUT} s:\n{self.log_tail()}")

    def admin(self, method: str, path: str, **kw):
        import requests
        return requests.request(method, f"{self.base}/hub/api{path}", timeout=60,
                                headers={"Authorization": f"token {self.admin_token}"}, **kw)

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # cleanup_servers: it stops the learners' servers
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self._log.close()


# ---------------------------------------------------------------------------- measuring

class Monitor(threading.Thread):
    """Samples memory (RSS, MiB) per learner (server + kernels) and for the hub and its proxy."""

    def __init__(self, hub_pid: int):
        super().__init__(daemon=True)
        import psutil
        self.psutil = psutil
        self.hub = psutil.Process(hub_pid)
        self.stop_event = threading.Event()
        self.phase: dict[str, str] = {}      # learner -> what it is doing now (set by the learner)
        self.peak: dict[tuple[str, str], float] = {}  # (learner, phase) -> peak RSS, MiB
        self.peak_pss: dict[tuple[str, str], float] = {}  # (learner, phase) -> peak PSS, MiB
        self.peak_total = 0.0                # the hub's whole process tree
        self.peak_hub = 0.0                  # hub + proxy alone
        self.loads: list[float] = []
        self.servers: dict[int, str] = {}    # pid -> learner
        self.samples = 0

    def _user_of(self, proc) -> str | None:
        if proc.pid not in self.servers:
            try:
                name = proc.environ().get("JUPYTERHUB_USER")
            except (self.psutil.Error, OSError):
                name = None
            if name is None:
                return None
            self.servers[proc.pid] = name
        return self.servers[proc.pid]

    def sample(self) -> None:
        ps = self.psutil
        with_pss = self.samples % 4 == 0
        total = hub_only = 0.0
        try:
            children = self.hub.children()
            hub_only = self.hub.memory_info().rss
        except ps.Error:
            return
        for child in children:
            try:
                tree = [child] + child.children(recursive=True)
                rss = pss = 0
                for p in tree:
                    try:
                        if with_pss:
                            full = p.memory_full_info()
                            rss, pss = rss + full.rss, pss + full.pss
                        else:
                            rss += p.memory_info().rss
                    except ps.Error:
                        pass
                user = self._user_of(child)
            except ps.Error:
                continue
            total += rss
            if user is None:  # the proxy (node)
                hub_only += rss
            else:
                key = (user, self.phase.get(user, "idle"))
                self.peak[key] = max(self.peak.get(key, 0.0), rss / 2**20)
                if with_pss:
                    self.peak_pss[key] = max(self.peak_pss.get(key, 0.0), pss / 2**20)
        total += self.hub.memory_info().rss if self.hub.is_running() else 0
        self.peak_total = max(self.peak_total, total / 2**20)
        self.peak_hub = max(self.peak_hub, hub_only / 2**20)
        self.samples += 1

    def run(self) -> None:
        while not self.stop_event.is_set():
            self.sample()
            if self.samples % 4 == 0:
                self.loads.append(os.getloadavg()[0])
            self.stop_event.wait(SAMPLE_EVERY)

    def stop(self) -> None:
        self.stop_event.set()
        self.join(timeout=10)

    def server_pid(self, user: str) -> int | None:
        for pid, name in self.servers.items():
            if name == user:
                return pid
        for child in self.hub.children():
            if self._user_of(child) == user:
                return child.pid
        return None


def cpu_seconds(pid: int | None) -> float:
    import psutil
    if pid is None:
        return 0.0
    try:
        t = psutil.Process(pid).cpu_times()
        return t.user + t.system
    except psutil.Error:
        return 0.0


def kernel_pid(server_pid: int | None, kernel_id: str) -> int | None:
    import psutil
    if server_pid is None:
        return None
    try:
        for p in psutil.Process(server_pid).children(recursive=True):
            try:
                if any(kernel_id in part for part in p.cmdline()):
                    return p.pid
            except psutil.Error:
                pass
    except psutil.Error:
        pass
    return None


# ---------------------------------------------------------------------------- a learner

@dataclass
class NotebookRun:
    path: str
    cells: int = 0
    executed: int = 0
    errors: list = field(default_factory=list)
    seconds: float = 0.0
    kernel_cpu_seconds: float = 0.0
    server_cpu_seconds: float = 0.0
    peak_mib: float = 0.0  # RSS of server + kernels while this notebook ran (Monitor)
    peak_pss_mib: float = 0.0  # the same as PSS

    @property
    def cpu_seconds(self) -> float:
        return self.kernel_cpu_seconds + self.server_cpu_seconds


@dataclass
class LearnerReport:
    name: str
    token: str = ""
    distributed_by: str = ""
    login_to_first_cell: float | None = None
    steps: dict = field(default_factory=dict)   # step -> seconds since login
    server_cpu: dict = field(default_factory=dict)  # step -> the server's CPU seconds so far
    notebooks: list = field(default_factory=list)
    failure: str | None = None


def _msg(msg_type: str, content: dict, session: str) -> dict:
    return {"header": {"msg_id": uuid.uuid4().hex, "username": "learner", "session": session,
                       "msg_type": msg_type, "version": "5.3",
                       "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
            "parent_header": {}, "metadata": {}, "content": content, "channel": "shell", "buffers": []}


class Learner:
    """One learner's whole visit, through the hub's and their server's HTTP and websocket APIs."""

    def __init__(self, hub: Hub, monitor: Monitor, name: str, repo_url: str, branch: str,
                 use_nbgitpuller: bool, start_barrier: threading.Barrier | None = None):
        import requests
        self.hub, self.monitor, self.name = hub, monitor, name
        self.repo_url, self.branch, self.use_nbgitpuller = repo_url, branch, use_nbgitpuller
        self.http = requests.Session()
        self.http.trust_env = False  # no proxies from the environment: everything is on 127.0.0.1
        self.report = LearnerReport(name)
        self.barrier = start_barrier
        self.t0 = 0.0

    # -- helpers
    def _mark(self, step: str) -> None:
        self.report.steps[step] = round(time.monotonic() - self.t0, 2)

    def api(self, method: str, path: str, token: str | None = None, **kw):
        headers = {"Authorization": f"token {token or self.report.token}"}
        return self.http.request(method, f"{self.hub.base}{path}", headers=headers,
                                 allow_redirects=False, timeout=120, **kw)

    # -- the visit
    def login(self) -> None:
        """The login form, as a browser posts it (DummyAuthenticator), then a token from the REST API."""
        r = self.http.get(f"{self.hub.base}/hub/login", timeout=120)
        r.raise_for_status()
        xsrf = self.http.cookies.get("_xsrf")
        r = self.http.post(f"{self.hub.base}/hub/login", allow_redirects=False, timeout=120,
                           data={"username": self.name, "password": PASSWORD, "_xsrf": xsrf or ""})
        if r.status_code != 302:
            raise RuntimeError(f"login answered {r.status_code}, expected a 302 redirect")
        self._mark("logged in")
        r = self.http.post(f"{self.hub.base}/hub/api/users/{self.name}/tokens", timeout=120,
                           headers={"X-XSRFToken": self.http.cookies.get("_xsrf") or ""},
                           json={"note": "hub test", "expires_in": 3600})
        if r.status_code != 201:
            raise RuntimeError(f"token request answered {r.status_code}: {r.text[:200]}")
        self.report.token = r.json()["token"]

    def start_server(self) -> None:
        r = self.api("POST", f"/hub/api/users/{self.name}/server")
        if r.status_code not in (201, 202):
            raise RuntimeError(f"starting the server answered {r.status_code}: {r.text[:200]}")
        deadline = time.monotonic() + SERVER_READY_TIMEOUT
        while time.monotonic() < deadline:
            model = self.api("GET", f"/hub/api/users/{self.name}").json()
            server = model.get("servers", {}).get("")
            if server and server.get("ready"):
                self._mark("server ready")
                self.report.server_cpu["ready"] = round(cpu_seconds(self.monitor.server_pid(self.name)), 2)
                return
            if not server and model.get("pending") is None:
                raise RuntimeError(f"the server stopped while starting:\n{self.hub.log_tail()}")
            time.sleep(0.5)
        raise RuntimeError(f"the server was not ready within {SERVER_READY_TIMEOUT} s")

    def distribute(self) -> None:
        """nbgitpuller: the link (as a browser opens it, then the API call its page makes)."""
        from urllib.parse import urlsplit
        if not self.use_nbgitpuller:
            home = self.hub.homes / self.name
            subprocess.run(["git", "clone", "-q", "--depth", "1", "--branch", self.branch,
                            self.repo_url, str(home / COURSE_DIR)], check=True, timeout=300)
            self.report.distributed_by = "git clone (no nbgitpuller)"
            self._mark("course copied")
            return
        link = nbgitpuller_link(self.hub.base, self.repo_url, self.branch)
        # The browser: the hub redirects to the learner's server, which logs the browser in with
        # OAuth (the session's hub cookie) and shows nbgitpuller's progress page.
        r = self.http.get(link, timeout=300)
        if r.status_code != 200 or "git-pull" not in r.text:
            raise RuntimeError(f"the nbgitpuller link answered {r.status_code} at {r.url}")
        # What that page's script then calls: the pull itself, streamed as server-sent events.
        api = urlsplit(r.url)._replace(path=urlsplit(r.url).path.rstrip("/") + "/api").geturl()
        phases = []
        with self.http.get(api, stream=True, timeout=300,
                           headers={"Authorization": f"token {self.report.token}"}) as s:
            for line in s.iter_lines(decode_unicode=True):
                if line and line.startswith("data:"):
                    event = json.loads(line[5:])
                    phases.append(event.get("phase"))
                    if event.get("phase") == "error":
                        raise RuntimeError(f"nbgitpuller failed: {event.get('message')}")
                    if event.get("phase") == "finished":
                        break
        if "finished" not in phases:
            raise RuntimeError(f"nbgitpuller did not finish (phases {phases})")
        self.report.distributed_by = "nbgitpuller link"
        self._mark("course pulled")
        self.report.server_cpu["pulled"] = round(cpu_seconds(self.monitor.server_pid(self.name)), 2)

    def run_notebook(self, path: str) -> NotebookRun:
        """A session on the learner's server; every code cell sent to its kernel over the websocket."""
        import websocket
        run = NotebookRun(path)
        full = f"{COURSE_DIR}/{path}"
        r = self.api("GET", f"/user/{self.name}/api/contents/{full}", params={"content": "1"})
        if r.status_code != 200:
            raise RuntimeError(f"reading {full} answered {r.status_code}")
        cells = [c for c in r.json()["content"]["cells"] if c["cell_type"] == "code"]
        run.cells = len(cells)
        self.monitor.phase[self.name] = path
        t_start = time.monotonic()
        r = self.api("POST", f"/user/{self.name}/api/sessions",
                     json={"path": full, "name": Path(path).name, "type": "notebook",
                           "kernel": {"name": "python3"}})
        if r.status_code != 201:
            raise RuntimeError(f"starting a kernel for {full} answered {r.status_code}: {r.text[:200]}")
        session = r.json()
        kernel_id = session["kernel"]["id"]
        server_pid = self.monitor.server_pid(self.name)
        server_cpu0 = cpu_seconds(server_pid)
        ws_url = (f"ws://127.0.0.1:{self.hub.port}/user/{self.name}/api/kernels/{kernel_id}/channels"
                  f"?session_id={uuid.uuid4().hex}")
        ws = websocket.create_connection(ws_url, timeout=CELL_TIMEOUT,
                                         header=[f"Authorization: token {self.report.token}"])
        sid = uuid.uuid4().hex
        try:
            self._request(ws, _msg("kernel_info_request", {}, sid), "kernel_info_reply")
            kpid = kernel_pid(server_pid, kernel_id)
            for i, cell in enumerate(cells):
                code = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                msg = _msg("execute_request", {"code": code, "silent": False, "store_history": True,
                                               "user_expressions": {}, "allow_stdin": False,
                                               "stop_on_error": True}, sid)
                reply, errors = self._request(ws, msg, "execute_reply")
                run.executed += 1
                if self.report.login_to_first_cell is None:
                    self.report.login_to_first_cell = round(time.monotonic() - self.t0, 2)
                    self._mark("first cell executed")
                for e in errors:
                    run.errors.append(f"cell {i + 1}: {e}")
                if reply["content"].get("status") != "ok":
                    c = reply["content"]
                    run.errors.append(f"cell {i + 1}: {c.get('status')} {c.get('ename', '')}: "
                                      f"{c.get('evalue', '')}")
                    break
            run.kernel_cpu_seconds = round(cpu_seconds(kpid), 2)
            run.server_cpu_seconds = round(cpu_seconds(server_pid) - server_cpu0, 2)
            if kpid is None:
                run.errors.append("the kernel's process was not found (no CPU measurement)")
        finally:
            ws.close()
            run.seconds = round(time.monotonic() - t_start, 2)
            self.api("DELETE", f"/user/{self.name}/api/sessions/{session['id']}")
            self.monitor.phase[self.name] = "idle"
            run.peak_mib = round(self.monitor.peak.get((self.name, path), 0.0), 1)
            run.peak_pss_mib = round(self.monitor.peak_pss.get((self.name, path), 0.0), 1)
        return run

    @staticmethod
    def _request(ws, msg: dict, reply_type: str) -> tuple[dict, list]:
        """Send on the shell channel; collect iopub errors until the reply and the idle status."""
        ws.send(json.dumps(msg))
        msg_id = msg["header"]["msg_id"]
        reply, idle, errors = None, False, []
        deadline = time.monotonic() + CELL_TIMEOUT
        while (reply is None or not idle) and time.monotonic() < deadline:
            m = json.loads(ws.recv())
            if m.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = m["header"]["msg_type"]
            if kind == reply_type:
                reply = m
            elif kind == "error":
                errors.append(f"{m['content'].get('ename')}: {m['content'].get('evalue')}")
            elif kind == "status" and m["content"].get("execution_state") == "idle":
                idle = True
        if reply is None or not idle:
            raise RuntimeError(f"no {reply_type} within {CELL_TIMEOUT} s")
        return reply, errors

    def run(self, notebooks=NOTEBOOKS) -> None:
        try:
            if self.barrier is not None:
                self.barrier.wait(timeout=600)
            self.t0 = time.monotonic()
            self.login()
            self.start_server()
            self.distribute()
            for path in notebooks:
                self.report.notebooks.append(self.run_notebook(path))
        except Exception as exc:  # reported, and the test fails on it
            self.report.failure = f"{type(exc).__name__}: {exc}"


# ---------------------------------------------------------------------------- isolation

def cross_access(hub: Hub, owner: LearnerReport, other: LearnerReport) -> list[tuple[str, int, bool]]:
    """Requests `other` makes against `owner`'s files and kernels: (what, status, refused)."""
    import requests
    import websocket
    s = requests.Session()
    s.trust_env = False
    target = f"{COURSE_DIR}/notebooks/00_start_here.ipynb"

    def call(method, path, token, **kw):
        return s.request(method, f"{hub.base}{path}", allow_redirects=False, timeout=60,
                         headers={"Authorization": f"token {token}"} if token else {}, **kw)

    results = []
    own = call("GET", f"/user/{owner.name}/api/contents/{target}", owner.token)
    results.append((f"{owner.name} reads own {target} (control)", own.status_code, own.status_code != 200))
    checks = [
        ("reads", "GET", f"/user/{owner.name}/api/contents/{target}", {}),
        ("lists the home of", "GET", f"/user/{owner.name}/api/contents/", {}),
        ("writes a file into the home of", "PUT", f"/user/{owner.name}/api/contents/intruder.txt",
         {"json": {"type": "file", "format": "text", "content": "written by another learner"}}),
        ("overwrites a notebook of", "PUT", f"/user/{owner.name}/api/contents/{target}",
         {"json": {"type": "notebook", "content": {"cells": [], "metadata": {}, "nbformat": 4,
                                                    "nbformat_minor": 5}}}),
        ("deletes a notebook of", "DELETE", f"/user/{owner.name}/api/contents/{target}", {}),
        ("lists the kernels of", "GET", f"/user/{owner.name}/api/kernels", {}),
        ("starts a kernel for", "POST", f"/user/{owner.name}/api/kernels", {"json": {"name": "python3"}}),
        ("reads the hub record of", "GET", f"/hub/api/users/{owner.name}", {}),
        ("stops the server of", "DELETE", f"/hub/api/users/{owner.name}/server", {}),
    ]
    for verb, method, path, kw in checks:
        r = call(method, path, other.token, **kw)
        results.append((f"{other.name} {verb} {owner.name}: {method} {path}", r.status_code,
                        r.status_code in (401, 403, 404)))
    r = call("GET", f"/user/{owner.name}/api/contents/{target}", None)
    results.append((f"no token reads {owner.name}'s {target}", r.status_code,
                    r.status_code in (302, 401, 403)))
    # The kernel websocket with the other learner's token (a kernel of the owner's, started here).
    k = call("POST", f"/user/{owner.name}/api/kernels", owner.token, json={"name": "python3"})
    if k.status_code == 201:
        kid = k.json()["id"]
        try:
            websocket.create_connection(
                f"ws://127.0.0.1:{hub.port}/user/{owner.name}/api/kernels/{kid}/channels",
                timeout=60, header=[f"Authorization: token {other.token}"]).close()
            results.append((f"{other.name} opens a websocket to {owner.name}'s kernel", 101, False))
        except websocket.WebSocketBadStatusException as exc:
            results.append((f"{other.name} opens a websocket to {owner.name}'s kernel",
                            exc.status_code, exc.status_code in (401, 403, 404)))
        call("DELETE", f"/user/{owner.name}/api/kernels/{kid}", owner.token)
    intruder = hub.homes / owner.name / "intruder.txt"
    results.append((f"{owner.name}'s home has no intruder.txt afterwards", 0 if not intruder.exists() else 1,
                    not intruder.exists()))
    return results


# ---------------------------------------------------------------------------- summary

def summarise(value_lists: list[float]) -> dict:
    vals = sorted(value_lists)
    return {"median": round(statistics.median(vals), 2), "max": round(vals[-1], 2),
            "min": round(vals[0], 2)} if vals else {}
