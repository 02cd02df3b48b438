#!/usr/bin/env python3
"""Times a `dev` start on an existing data directory: from the command to the moment the user URL that
dev prints ("dev: first recommendations: URL") serves a list generated after the command started.
Then stops dev with SIGINT (as Ctrl-C) after HOLD seconds and says how long the stop took.

  python3 .ci/dev-restart-time.py DATA_DIR [HOLD_SECONDS]     (run once to fill DATA_DIR, then again)

Uses launcher/target/streamrec.jar (build it first) and the java of JAVA_HOME, else of the PATH.
"""
import datetime, json, os, re, signal, subprocess, sys, time, urllib.request

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
data, hold = sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 45
java = os.path.join(os.environ["JAVA_HOME"], "bin", "java") if "JAVA_HOME" in os.environ else "java"
out = os.path.join(data, "restart-time.out")
os.makedirs(data, exist_ok=True)
t0 = time.time()
log = open(out, "w")
p = subprocess.Popen([java, "--sun-misc-unsafe-memory-access=allow", "-jar",
                      os.path.join(root, "launcher/target/streamrec.jar"), "dev", "--data-dir=" + data],
                     stdout=log, stderr=subprocess.STDOUT,
                     preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # a background shell ignores SIGINT
url = line_at = served = None
while time.time() - t0 < 180 and served is None and p.poll() is None:
    time.sleep(0.25)
    if url is None:
        m = re.search(r"first recommendations: (\S+)", open(out).read())
        if m:
            url, line_at = m.group(1), time.time() - t0
    if url:
        try:
            body = json.load(urllib.request.urlopen(url, timeout=2))
            if body["generatedAt"] >= t0 * 1000 and body.get("items"):
                served = time.time() - t0
        except Exception:
            pass
print(f"load average {os.getloadavg()[0]:.1f}; URL line after {line_at and round(line_at, 1)} s; "
      f"a list of this run served after {served and round(served, 1)} s")
time.sleep(max(0, hold - (time.time() - t0)))
p.send_signal(signal.SIGINT)
t1 = time.time()
p.wait(180)
print(f"stopped {round(time.time() - t1, 1)} s after SIGINT, exit {p.returncode}")
