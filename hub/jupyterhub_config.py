"""A JupyterHub for a classroom of this course, on one machine: the configuration tests/test_hub.py runs.

Start it from the repository root (after `make hub-setup`, which installs JupyterHub and nbgitpuller
into .venv and configurable-http-proxy into .venv/hub-node):

    .venv/bin/jupyterhub -f hub/jupyterhub_config.py

It listens on 127.0.0.1 only (http://127.0.0.1:8000/), lets anyone log in with any name and
password (DummyAuthenticator) and runs each learner's JupyterLab as a local process with its own
home folder under AE_HUB_HOMES (SimpleLocalProcessSpawner). Both are for a test or a trial on
your own machine: they give learners no protection from each other at the operating-system level
(every server runs as the same Unix user). For a real class keep the rest and swap those two lines
for your institution's authenticator and a spawner with real isolation (TLJH's SystemdSpawner,
or Kubernetes in Zero to JupyterHub); INSTRUCTORS.md, "Running it on a hub", says what changes.

Environment variables (all optional):

    AE_HUB_PORT        public port of the proxy (8000)
    AE_HUB_HUB_PORT    the hub's own port, for the proxy and the single-user servers (8081)
    AE_HUB_PROXY_PORT  configurable-http-proxy's REST API port (8001)
    AE_HUB_STATE       folder for the hub's database, cookie secret and pid file (hub/state)
    AE_HUB_HOMES       parent folder of the learners' homes (hub/homes); a learner's home is
                       AE_HUB_HOMES/<name>
    AE_HUB_PROXY       the configurable-http-proxy command (.venv/hub-node/... if there, else PATH)
    AE_HUB_ADMIN_TOKEN if set, a service "course-admin" with this API token may list, start and stop
                       every learner's server (tests/test_hub.py uses it to check and clean up)
"""
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub provides get_config when it loads this file)

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BIN = Path(sys.executable).parent  # the environment JupyterHub runs in: .venv/bin
STATE = Path(os.environ.get("AE_HUB_STATE", HERE / "state"))
HOMES = Path(os.environ.get("AE_HUB_HOMES", HERE / "homes"))
STATE.mkdir(parents=True, exist_ok=True)
HOMES.mkdir(parents=True, exist_ok=True)

# ---- network: everything on the loopback interface
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(os.environ.get("AE_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("AE_HUB_HUB_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{int(os.environ.get('AE_HUB_PROXY_PORT', '8001'))}"
_local_proxy = REPO / ".venv" / "hub-node" / "node_modules" / ".bin" / "configurable-http-proxy"
c.ConfigurableHTTPProxy.command = [os.environ.get(
    "AE_HUB_PROXY", str(_local_proxy) if _local_proxy.exists() else "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")
c.Spawner.ip = "127.0.0.1"  # each learner's server: loopback, a random free port

# ---- the hub's own files
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops the learners' servers

# ---- who may log in: anyone, any password (a test or a trial; see the docstring)
c.JupyterHub.authenticator_class = "jupyterhub.auth.DummyAuthenticator"
c.Authenticator.allow_all = True
c.Authenticator.admin_users = {"instructor"}

# ---- each learner: a local JupyterLab process in its own home folder
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = str(HOMES / "{username}")
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.args = ["--allow-root"] if os.geteuid() == 0 else []  # jupyter refuses root without it
c.Spawner.default_url = "/lab"  # Zero to JupyterHub: singleuser.defaultUrl
# One BLAS thread per kernel: with several learners per core, more threads only compete (and two
# threads stall on a busy machine); the course's numbers are the same bits with 1 or 2 threads.
c.Spawner.environment = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
# A busy machine starting many servers at once: allow time (the defaults are 60 s and 30 s).
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 120
# The per-learner limits from the capacity table in INSTRUCTORS.md ("Per-learner limits that follow";
# tests/test_hub_capacity.py holds these two lines to it). A local process spawner only passes them
# to the learner's server (MEM_LIMIT, CPU_LIMIT in its environment); systemd and Kubernetes enforce them.
c.Spawner.mem_limit = "1280M"
c.Spawner.cpu_limit = 1.0

# ---- an API token for the instructor's scripts (and the test), only when one is given
_admin_token = os.environ.get("AE_HUB_ADMIN_TOKEN")
if _admin_token:
    c.JupyterHub.services = [{"name": "course-admin", "api_token": _admin_token}]
    c.JupyterHub.load_roles = [{
        "name": "course-admin",
        "scopes": ["list:users", "read:users", "admin:servers", "access:servers"],
        "services": ["course-admin"],
    }]
