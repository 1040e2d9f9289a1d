#!/usr/bin/env python3
"""The QGIS plugin's runner (qgis_plugin/lifecircle/runner.py) without QGIS:

    check_plugin_runner.py PLUGIN_DIR LIFECIRCLE WORK

- progress lines of the real program reach the feedback as percentages and stage names;
- a canceled run kills the child and what the child started (no process outlives it),
  and the cancel is reported;
- a failing run's message keeps lifecircle's own text (file, what to do) and adds the exit
  status' meaning and the command to repeat it;
- a missing program is reported with what to do.
Exit status 1 when any check fails.
"""
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_check import check, finish  # noqa: E402



class Feedback:
    """What the runner needs of a QgsProcessingFeedback."""

    def __init__(self, cancel_after_progress=None):
        self.progress, self.texts, self.infos = [], [], []
        self.cancel_after = cancel_after_progress
        self.canceled = False

    def isCanceled(self):  # noqa: N802
        return self.canceled

    def setProgress(self, p):  # noqa: N802
        self.progress.append(p)
        if self.cancel_after is not None and len(self.progress) >= self.cancel_after:
            self.canceled = True

    def setProgressText(self, t):  # noqa: N802
        self.texts.append(t)

    def pushInfo(self, t):  # noqa: N802
        self.infos.append(t)

    pushWarning = pushInfo


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purpose (reaped by its parent soon); read its state.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def main():
    plugin_dir, lifecircle, work = sys.argv[1:4]
    sys.path.insert(0, os.path.dirname(os.path.abspath(plugin_dir)))
    from lifecircle import runner  # noqa: E402  (plain Python: no QGIS needed)

    os.makedirs(work, exist_ok=True)
    demo = os.path.join(os.path.dirname(__file__), "..", "..", "data", "demo", "project.json")

    # 1. Progress of a real run.
    fb = Feedback()
    status, out, err = runner.run(lifecircle, ["run", demo, "--out", os.path.join(work, "out"), "--quiet"], fb)
    check("a demo run exits 0", status == 0, err)
    check("progress reaches the feedback, rising to 100", fb.progress and fb.progress[-1] == 100 and fb.progress == sorted(fb.progress),
          fb.progress)
    check("stage names reach the feedback", "reach" in fb.texts and "write" in fb.texts, fb.texts)
    check("progress lines are not passed on as messages", not any(l.startswith("progress ") for l in err), err)

    # 2. Cancel: a stand-in program that reports progress, starts a grandchild and sleeps.
    pids = os.path.join(work, "pids")
    fake = os.path.join(work, "slow-lifecircle")
    with open(fake, "w") as f:
        f.write("#!/bin/sh\nsleep 300 &\necho $$ $! > \"$1\"\necho 'progress 5 read' >&2\nsleep 300\n")
    os.chmod(fake, 0o755)
    if os.path.exists(pids):
        os.remove(pids)
    fb = Feedback(cancel_after_progress=1)
    started = time.monotonic()
    try:
        runner.run(fake, [pids], fb)
        check("a canceled run raises Canceled", False, "returned normally")
    except runner.Canceled:
        check("a canceled run raises Canceled", True)
    check("the cancel takes effect at once (under 10 s)", time.monotonic() - started < 10, time.monotonic() - started)
    child, grandchild = (int(x) for x in open(pids).read().split())
    deadline = time.monotonic() + 5
    while (alive(child) or alive(grandchild)) and time.monotonic() < deadline:
        time.sleep(0.05)
    check("the child is gone after the cancel", not alive(child), child)
    check("what the child started is gone too", not alive(grandchild), grandchild)

    # 3. Cancel from another thread while the program is silent (the dialog's Cancel button).
    if os.path.exists(pids):
        os.remove(pids)
    fb = Feedback()
    threading.Timer(1.0, lambda: setattr(fb, "canceled", True)).start()
    try:
        runner.run(fake, [pids], fb)
    except runner.Canceled:
        pass
    child, grandchild = (int(x) for x in open(pids).read().split())
    time.sleep(0.2)
    check("a cancel while the program is silent kills it", not alive(child) and not alive(grandchild), (child, grandchild))

    # 4. A failing run: lifecircle's message, the status' meaning, the command.
    bad = os.path.join(os.path.dirname(__file__), "..", "fixtures", "errors", "missing_id_field.json")
    status, _, err = runner.run(lifecircle, ["validate", bad], Feedback())
    text = runner.error_text(status, err, bad, runner.shell_command(lifecircle, ["validate", bad]))
    check("a missing field exits 3", status == 3, status)
    check("the error text keeps lifecircle's message", 'has no field "compound_code"' in text and "compounds.geojson" in text, text)
    check("the error text says what the status means", "an input cannot be read" in text, text)
    check("the error text gives the command to repeat", "validate" in text and "To repeat in a terminal" in text, text)

    # 5. No program.
    saved = os.environ.get("PATH", "")
    os.environ["PATH"] = work  # holds no 'lifecircle'
    try:
        runner.find_program("")
        check("no lifecircle on PATH is reported", False, "found one")
    except runner.LifecircleError as e:
        check("no lifecircle on PATH is reported with what to do", "not found" in str(e) and "PATH" in str(e), str(e))
    finally:
        os.environ["PATH"] = saved
    try:
        runner.find_program(os.path.join(work, "nothing-here"))
        check("a wrong configured path is reported", False, "accepted")
    except runner.LifecircleError as e:
        check("a wrong configured path is reported", "does not exist" in str(e), str(e))

    finish()


if __name__ == "__main__":
    sys.exit(main())
