"""What the QGIS checks share: finding qgis_process and PyQGIS, a private QGIS profile
(the user's own is never touched), and skipping with a clear message when QGIS is absent.

A check that needs QGIS exits with SKIP (77, CTest's SKIP_RETURN_CODE) when it is not
installed; CI installs it (scripts/install-deps.sh), so there the checks run.
"""
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = 77


def skip(why):
    print(f"SKIP: {why} (scripts/install-deps.sh installs Debian's qgis, python3-qgis and qgis-providers)")
    sys.exit(SKIP)


def qgis_process():
    """The qgis_process executable. Debian 12's /usr/bin/qgis_process wrapper passes the
    desktop's --noversioncheck, which qgis_process refuses; the real program beside it,
    qgis_process.bin, is used then."""
    exe = shutil.which("qgis_process")
    if not exe:
        skip("qgis_process is not installed")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    r = subprocess.run([exe, "--version"], capture_output=True, text=True, env=env)
    if r.returncode == 0 and "QGIS" in r.stdout:
        return exe
    real = exe + ".bin"
    if os.path.exists(real):
        return real
    skip(f"{exe} does not run: {r.stdout.strip()} {r.stderr.strip()}")


def need_pyqgis():
    try:
        import qgis.core  # noqa: F401
    except ImportError:
        skip(f"PyQGIS (python3-qgis) is not importable by {sys.executable}")


def environment(work, plugin_path=None, path=None):
    """Environment for headless QGIS with a private profile under `work`."""
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["QGIS_CUSTOM_CONFIG_PATH"] = os.path.join(work, "qgis-profile")
    os.makedirs(env["QGIS_CUSTOM_CONFIG_PATH"], exist_ok=True)
    if "XDG_RUNTIME_DIR" not in env:  # Qt wants a private (0700) runtime folder
        env["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="lc-qgis-runtime-")
    if plugin_path:
        env["QGIS_PLUGINPATH"] = plugin_path
    if path is not None:
        env["PATH"] = path
    return env
