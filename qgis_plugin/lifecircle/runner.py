"""Running the lifecircle program for the algorithms.

No shell: the program and its arguments go to the operating system as a list. The child
gets its own process group and is killed with it when the user cancels, when the
algorithm fails in any way, or when QGIS closes the algorithm: it never outlives the
algorithm. Progress comes as "progress PERCENT STAGE" lines on stderr
(LIFECIRCLE_PROGRESS=lines) and goes to the Processing feedback bar.

Plain Python apart from the feedback object (anything with isCanceled, setProgress,
setProgressText, pushInfo, pushWarning), so it is tested without QGIS as well.
"""
import os
import queue
import shutil
import signal
import subprocess
import threading

SETTING = "LIFECIRCLE_PATH"

# SPEC section 2.
EXIT_MEANING = {
    2: "bad command line or project file",
    3: "an input cannot be read or lacks a required field",
    4: "--strict: some records were rejected",
}


class LifecircleError(Exception):
    """A failure to show the user as the algorithm's error text."""


class Canceled(Exception):
    """The user canceled; the child has been killed."""


def find_program(configured=""):
    """The lifecircle executable: the configured path, else `lifecircle` on PATH."""
    if configured:
        if os.path.isfile(configured) and os.access(configured, os.X_OK):
            return configured
        raise LifecircleError(
            f"The lifecircle program set in Processing ▸ Options ▸ Providers ▸ lifecircle ({configured}) "
            "does not exist or is not executable: correct the path, or clear it to use the lifecircle found on PATH.")
    found = shutil.which("lifecircle")
    if found:
        return found
    raise LifecircleError(
        "The lifecircle program was not found: it is not on PATH and no path is set. Build it from the lifecircle "
        "repository (scripts/build.sh), then put its folder on PATH or set the program in "
        "Processing ▸ Options ▸ Providers ▸ lifecircle ▸ lifecircle program.")


def _kill(proc):
    """Kills the child and everything it started (its process group), then reaps it."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            proc.kill()
    proc.wait()


def _pump(stream, tag, q):
    for line in iter(stream.readline, ""):
        q.put((tag, line.rstrip("\n")))
    stream.close()
    q.put((tag, None))


def run(program, args, feedback=None, env=None, poll_seconds=0.1):
    """Runs `program args…`; returns (exit status, stdout text, stderr lines that are not
    progress). Raises Canceled when the feedback is canceled (the child is dead by then)."""
    child_env = dict(os.environ if env is None else env)
    child_env["LIFECIRCLE_PROGRESS"] = "lines"
    proc = subprocess.Popen([program] + [str(a) for a in args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=child_env, text=True, encoding="utf-8", errors="replace",
                            start_new_session=True, close_fds=True)
    q = queue.Queue()
    readers = [threading.Thread(target=_pump, args=(proc.stdout, "out", q), daemon=True),
               threading.Thread(target=_pump, args=(proc.stderr, "err", q), daemon=True)]
    for t in readers:
        t.start()
    out, err = [], []
    open_streams = 2
    try:
        while open_streams:
            if feedback is not None and feedback.isCanceled():
                _kill(proc)
                raise Canceled()
            try:
                tag, line = q.get(timeout=poll_seconds)
            except queue.Empty:
                continue
            if line is None:
                open_streams -= 1
            elif tag == "out":
                out.append(line)
            elif line.startswith("progress "):
                parts = line.split(" ", 2)
                if feedback is not None and len(parts) >= 2 and parts[1].isdigit():
                    feedback.setProgress(int(parts[1]))
                    if len(parts) == 3:
                        feedback.setProgressText(parts[2])
            else:
                err.append(line)
                if feedback is not None:
                    (feedback.pushWarning if "warning" in line else feedback.pushInfo)(line)
        # Both streams closed: the program is exiting; wait for it, still cancelable.
        while proc.poll() is None:
            if feedback is not None and feedback.isCanceled():
                _kill(proc)
                raise Canceled()
            try:
                proc.wait(timeout=poll_seconds)
            except subprocess.TimeoutExpired:
                pass
        return proc.returncode, "\n".join(out), err
    finally:
        _kill(proc)
        for t in readers:
            t.join(timeout=1)


def error_text(status, err_lines, project_file, command):
    """The message for the dialog: lifecircle's own (it names the file, feature or JSON
    pointer and what to do), the meaning of the exit status, and how to repeat the run."""
    messages = [l.replace("lifecircle: error: ", "").replace("lifecircle: ", "") for l in err_lines
                if l.startswith("lifecircle:")]
    text = "\n".join(messages or err_lines[-10:] or ["(no message)"])
    meaning = EXIT_MEANING.get(status, "internal error, please report it with the project file")
    return (f"{text}\n\nlifecircle exited with status {status} ({meaning}).\n"
            f"Project file: {project_file}\nTo repeat in a terminal: {command}")


def shell_command(program, args):
    """The command as one line a user can paste into a terminal (display only, never run)."""
    import shlex

    return " ".join(shlex.quote(str(a)) for a in [program] + list(args))
