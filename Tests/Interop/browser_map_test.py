#!/usr/bin/env python3
"""Drives report.html's interactive map in headless Chromium over the DevTools protocol.

    python3 Tests/Interop/browser_map_test.py REPORT_DIR AREA_NAME [OUT_DIR]

With the network disabled (DevTools offline emulation, and every host name unresolvable), it
opens the page at 1280 px, then, as a reader would, with mouse events:
1. pans the map by dragging it (the centre must move, the zoom stay);
2. zooms in with the mouse wheel (the zoom must grow);
3. hovers AREA_NAME (e.g. 文京区) at its label point and reads the tooltip, which must name the
   area and show its patient count exactly as areas.csv publishes it;
4. clicks it and reads the popup (the area's name and its published share);
Every request the page makes is logged; only the page itself (file:) and data: URLs are allowed,
and no script error may occur. OUT_DIR/browser_map.png is a screenshot of the map after the hover.

Only the standard library: a minimal WebSocket client (RFC 6455, text frames) speaks to Chromium.
"""
import base64
import csv
import http.client
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time


class DevTools:
    """One WebSocket connection to a page target: commands with ids, events queued."""

    def __init__(self, ws_url):
        m = re.match(r"ws://([^:/]+):(\d+)(/.*)", ws_url)
        host, port, path = m.group(1), int(m.group(2)), m.group(3)
        self.sock = socket.create_connection((host, port), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
        self.sock.sendall(request.encode())
        response = b""
        while b"\r\n\r\n" not in response:
            response += self.sock.recv(1)
        if b" 101 " not in response.split(b"\r\n")[0]:
            raise RuntimeError(f"WebSocket handshake refused: {response!r}")
        self.next_id = 0
        self.events = []

    def _send(self, text):
        payload = text.encode()
        header = bytes([0x81])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def _exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise RuntimeError("DevTools connection closed")
            data += chunk
        return data

    def _receive(self):
        message = b""
        while True:
            b0, b1 = self._exact(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._exact(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._exact(8))[0]
            data = self._exact(n)
            opcode = b0 & 0x0F
            if opcode == 0x8:
                raise RuntimeError("DevTools closed the connection")
            if opcode in (0x1, 0x0):
                message += data
                if b0 & 0x80:
                    return json.loads(message.decode())

    def call(self, method, **params):
        self.next_id += 1
        my_id = self.next_id
        self._send(json.dumps({"id": my_id, "method": method, "params": params}))
        while True:
            message = self._receive()
            if message.get("id") == my_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, method, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            for i, e in enumerate(self.events):
                if e.get("method") == method:
                    return self.events.pop(i)
            self.events.append(self._receive())
        raise RuntimeError(f"no {method} within {timeout} s")

    def drain(self, seconds):
        """Reads events for a while (animations, debounced handlers)."""
        self.sock.settimeout(0.1)
        end = time.time() + seconds
        while time.time() < end:
            try:
                self.events.append(self._receive())
            except socket.timeout:
                pass
        self.sock.settimeout(30)

    def js(self, expression):
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"script failed: {expression}: {r['exceptionDetails']}")
        return r["result"].get("value")


failures = []


def check(ok, message):
    print(("ok:   " if ok else "FAIL: ") + message)
    if not ok:
        failures.append(message)


def main():
    report_dir = os.path.abspath(sys.argv[1])
    area = sys.argv[2]
    out_dir = os.path.abspath(sys.argv[3]) if len(sys.argv) > 3 else None
    page = os.path.join(report_dir, "report.html")
    page_url = "file://" + page
    published = {}
    with open(os.path.join(report_dir, "areas.csv"), encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            published[row["area_name"]] = row
    if area not in published:
        raise SystemExit(f"{area} is not in {report_dir}/areas.csv")

    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not chromium:
        raise SystemExit("chromium is not installed (Debian package chromium; .ci/setup installs it)")
    profile = tempfile.mkdtemp(prefix="careatlas-cdp-")
    # No name resolves and every proxy request fails: even a request that escaped the offline
    # emulation could not leave the machine.
    browser = subprocess.Popen(
        [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=0", f"--user-data-dir={profile}",
         "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--window-size=1280,900", "about:blank"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        port = None
        end = time.time() + 60
        while time.time() < end and port is None:
            line = browser.stderr.readline()
            m = re.search(r"DevTools listening on ws://[^:]+:(\d+)/", line)
            if m:
                port = int(m.group(1))
        if port is None:
            raise SystemExit("Chromium did not open its DevTools port")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/json/list")
        targets = json.loads(conn.getresponse().read())
        target = next(t for t in targets if t["type"] == "page")
        cdp = DevTools(target["webSocketDebuggerUrl"])

        cdp.call("Network.enable")
        cdp.call("Network.emulateNetworkConditions", offline=True, latency=0, downloadThroughput=-1, uploadThroughput=-1)
        cdp.call("Runtime.enable")
        cdp.call("Page.enable")
        cdp.call("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)
        cdp.call("Page.navigate", url=page_url)
        cdp.wait_for("Page.loadEventFired", timeout=60)
        cdp.drain(1.0)

        check(cdp.js("typeof window.careatlasMap === 'object'"), "the page has an interactive map (window.careatlasMap)")
        cdp.js("document.getElementById('careatlas-map').scrollIntoView({block: 'center'})")
        cdp.drain(0.3)
        rect = cdp.js("(() => { const r = document.getElementById('careatlas-map').getBoundingClientRect(); return {x: r.left, y: r.top, w: r.width, h: r.height}; })()")
        state = lambda: cdp.js("(() => { const m = window.careatlasMap, c = m.getCenter(); return {lat: c.lat, lng: c.lng, z: m.getZoom()}; })()")
        cx, cy = rect["x"] + rect["w"] * 0.35, rect["y"] + rect["h"] * 0.5

        # 1. Pan by dragging.
        before = state()
        cdp.call("Input.dispatchMouseEvent", type="mouseMoved", x=cx, y=cy)
        cdp.call("Input.dispatchMouseEvent", type="mousePressed", x=cx, y=cy, button="left", buttons=1, clickCount=1)
        for k in range(1, 11):
            cdp.call("Input.dispatchMouseEvent", type="mouseMoved", x=cx + 16 * k, y=cy + 9 * k, button="left", buttons=1)
            cdp.drain(0.03)
        cdp.call("Input.dispatchMouseEvent", type="mouseReleased", x=cx + 160, y=cy + 90, button="left", buttons=0, clickCount=1)
        cdp.drain(0.8)
        after = state()
        moved = abs(after["lat"] - before["lat"]) + abs(after["lng"] - before["lng"])
        check(moved > 1e-4 and after["z"] == before["z"], f"drag pans the map (centre moved by {moved:.4f}°, zoom {before['z']} → {after['z']})")

        # 2. Zoom with the wheel.
        before = after
        cdp.call("Input.dispatchMouseEvent", type="mouseWheel", x=cx, y=cy, deltaX=0, deltaY=-300)
        cdp.drain(1.2)
        after = state()
        check(after["z"] > before["z"], f"the wheel zooms in (zoom {before['z']} → {after['z']})")

        # 3. Hover the area at its label point (brought into view first) and read the tooltip.
        lp = cdp.js(f"(() => {{ let p = null; window.careatlasMap.eachLayer(l => {{ if (l.feature && l.feature.properties.area_name === {json.dumps(area)} && l.feature.properties.lp) p = l.feature.properties.lp; }}); return p; }})()")
        check(lp is not None, f"{area} is on the map")
        cdp.js(f"window.careatlasMap.setView({json.dumps(lp)}, Math.max(window.careatlasMap.getZoom(), 11), {{animate: false}}); null")
        cdp.drain(0.5)
        point = cdp.js(f"(() => {{ const p = window.careatlasMap.latLngToContainerPoint({json.dumps(lp)}); return {{x: p.x, y: p.y}}; }})()")
        hx, hy = rect["x"] + point["x"], rect["y"] + point["y"]
        for k in range(5, -1, -1):
            cdp.call("Input.dispatchMouseEvent", type="mouseMoved", x=hx + 3 * k, y=hy + 2 * k)
            cdp.drain(0.05)
        cdp.drain(0.5)
        tooltip = cdp.js("Array.from(document.querySelectorAll('.leaflet-tooltip')).map(e => e.textContent).join(' | ')") or ""
        expected = published[area]["patients"]
        print(f"tooltip: {tooltip}")
        check(area in tooltip, f"the tooltip names {area}")
        check(re.search(r"患者数|Patients", tooltip) is not None and f": {expected}" in tooltip,
              f"the tooltip shows {area}'s published patients ({expected}, as areas.csv)")
        if out_dir:
            os.makedirs(out_dir, exist_ok=True)
            shot = cdp.call("Page.captureScreenshot", format="png", clip={"x": rect["x"], "y": rect["y"] + cdp.js("window.scrollY"),
                                                                        "width": rect["w"], "height": rect["h"], "scale": 1})
            with open(os.path.join(out_dir, "browser_map.png"), "wb") as f:
                f.write(base64.b64decode(shot["data"]))

        # 4. Click: the popup with the published figures.
        cdp.call("Input.dispatchMouseEvent", type="mousePressed", x=hx, y=hy, button="left", buttons=1, clickCount=1)
        cdp.call("Input.dispatchMouseEvent", type="mouseReleased", x=hx, y=hy, button="left", buttons=0, clickCount=1)
        cdp.drain(0.6)
        popup = cdp.js("Array.from(document.querySelectorAll('.leaflet-popup-content')).map(e => e.textContent).join(' | ')") or ""
        print(f"popup: {popup}")
        check(area in popup, f"the click opens {area}'s popup")
        share = published[area].get("share_percent", "")
        if share and re.match(r"^[0-9.]+$", share):
            shown = f"{float(share):.1f}".rstrip("0").rstrip(".")
            check(shown in popup, f"the popup shows the published share {share} % (as {shown})")

        # Requests: only the page itself and data: URLs; no script error.
        cdp.drain(0.3)
        requests = [e["params"]["request"]["url"] for e in cdp.events if e.get("method") == "Network.requestWillBeSent"]
        failed = [e["params"] for e in cdp.events if e.get("method") == "Network.loadingFailed"]
        errors = [e["params"]["exceptionDetails"].get("text", "") + " " + json.dumps(e["params"]["exceptionDetails"].get("exception", {}).get("description", ""))
                  for e in cdp.events if e.get("method") == "Runtime.exceptionThrown"]
        print(f"requests ({len(requests)}):")
        for url in requests:
            print("  " + (url if len(url) < 120 else url[:117] + "..."))
        outside = [u for u in requests if u != page_url and not u.startswith("data:")]
        check(outside == [], f"no request leaves the file ({len(requests)} logged, outside: {outside})")
        check(failed == [], f"no failed load ({failed[:3]})")
        check(errors == [], f"no script error ({errors[:3]})")
    finally:
        browser.terminate()
        try:
            browser.wait(10)
        except subprocess.TimeoutExpired:
            browser.kill()
        shutil.rmtree(profile, ignore_errors=True)
    print(f"browser map checks: {'all passed' if not failures else f'{len(failures)} failed'} ({report_dir}, {area})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
