"""Settings of the process that the course needs on any machine (imported by ``aelib/__init__``).

Read-only home folders (some JupyterHubs, containers run as another user): matplotlib keeps its
font cache and settings in ``~/.config/matplotlib`` and ``~/.cache/matplotlib`` (or
``$XDG_CONFIG_HOME``/``$XDG_CACHE_HOME``). When it cannot write there it makes a new temporary
folder in every process and warns ("Matplotlib created a temporary cache directory ...") into the
cell's output, which also breaks nbval's comparison. :func:`use_writable_matplotlib_dir` points
``MPLCONFIGDIR`` at one fixed folder under the system's temporary folder instead (created once,
reused, so the font cache is built once), only when the default folders are not writable and
``MPLCONFIGDIR`` is not set. Processes started afterwards (Jupyter kernels, nbval's) inherit it.
``make lab`` sets it for the Jupyter server the same way (``python -m aelib._env`` prints it).

Only the standard library is used; nothing is created when the defaults are writable.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _writable(folder: Path) -> bool:
    """Could ``folder`` be used (it exists and is writable, or its nearest existing parent is a
    writable folder)? Mirrors matplotlib's test, without creating anything."""
    for candidate in [folder, *folder.parents]:
        if candidate.exists():
            return candidate.is_dir() and os.access(candidate, os.W_OK)
    return False


def _matplotlib_defaults() -> list[Path]:
    home = Path(os.path.expanduser("~"))
    config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config") / "matplotlib"
    cache = Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache") / "matplotlib"
    return [config, cache]


def fallback_matplotlib_dir() -> Path:
    """The fixed folder used when the defaults are not writable: ``<tmp>/aelib-matplotlib-<user>``."""
    user = str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    return Path(tempfile.gettempdir()) / f"aelib-matplotlib-{user}"


def use_writable_matplotlib_dir() -> str | None:
    """Set ``MPLCONFIGDIR`` to :func:`fallback_matplotlib_dir` when matplotlib's default folders are
    not writable and it is not set already. Returns the folder set, or None when nothing was needed."""
    if os.environ.get("MPLCONFIGDIR") or all(_writable(d) for d in _matplotlib_defaults()):
        return None
    folder = fallback_matplotlib_dir()
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return None                      # nowhere better to go: matplotlib's own fallback applies
    if not (folder.is_dir() and os.access(folder, os.W_OK)):
        return None
    os.environ["MPLCONFIGDIR"] = str(folder)
    return str(folder)


if __name__ == "__main__":               # make lab: MPLCONFIGDIR="$(python -m aelib._env)"
    use_writable_matplotlib_dir()
    print(os.environ.get("MPLCONFIGDIR", ""))
