#!/usr/bin/env python3
"""Runs Pagefind queries in headless Chromium through chromedriver; prints one JSON line each."""
import os, json, subprocess, sys, time, urllib.request, urllib.parse, socket, tempfile, shutil

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

def call(port, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req, timeout=60))

base, lang, log, queries = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
port = free_port()
drv = subprocess.Popen(["chromedriver", "--port=%d" % port], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    for _ in range(50):
        try:
            call(port, "GET", "/status"); break
        except Exception:
            time.sleep(0.2)
    def caps(profile):
        return {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
        "binary": "/usr/bin/chromium", "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--user-data-dir=" + profile]}}}}

    for q in queries:
        profile = tempfile.mkdtemp()
        sid = call(port, "POST", "/session", caps(profile))["value"]["sessionId"]
        open(log, "w").close()
        url = "%s/%s-%s.html?q=%s" % (base, os.environ.get("PF_PAGE", "pfq"), lang, urllib.parse.quote(q))
        call(port, "POST", "/session/%s/url" % sid, {"url": url})
        out = ""
        for _ in range(100):
            out = call(port, "POST", "/session/%s/execute/sync" % sid, {"script": "return document.getElementById('out').textContent", "args": []})["value"]
            if out: break
            time.sleep(0.1)
        time.sleep(0.3)
        rows = [l.rstrip("\n").split("\t") for l in open(log)]
        res = json.loads(out) if out.startswith("{") else {"error": out}
        res.pop("names", None)
        files = [r for r in rows if not r[0].startswith("/pf") and "favicon" not in r[0]]
        res["files"] = len(files)
        res["bytes"] = sum(int(r[1]) for r in files)
        print(json.dumps(res, ensure_ascii=False))
        call(port, "DELETE", "/session/%s" % sid)
        time.sleep(0.5)  # let Chromium finish writing its profile before removing it
        shutil.rmtree(profile, ignore_errors=True)
finally:
    drv.terminate(); drv.wait()
