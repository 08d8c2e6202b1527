"""Measure what hostile inputs cost the web server after the hardening of issue 11.

    python benchmarks/bench_input_limits.py                 # 300 MB bodies and a 1.5 M-row workbook
    python benchmarks/bench_input_limits.py --rows 200000   # a smaller workbook (quick check)

It starts ``uvicorn`` with ``create_app`` in a subprocess on a fresh SQLite workspace in a
temporary folder, then:

1. sends an anonymous 300 MB JSON body to ``POST /api/v1/partners`` over a raw socket, once with
   ``Content-Length`` and once chunked (no length), and records the status, the time until the
   answer and how many bytes the client managed to send before it came;
2. builds an agenda workbook with ``--rows`` rows (default 1.5 million) on the ``Kosten`` sheet,
   ``--distinct`` different measure codes (the shared-strings table openpyxl reads whole), uploads
   it as an editor (API token) to ``POST /api/v1/agenda/import``; while that runs it keeps asking
   ``GET /api/v1/indicatoren`` and records the slowest answer (is the event loop free?).

For each step the server's peak resident memory (``VmHWM``, reset before the step through
``/proc/<pid>/clear_refs``) is printed. Nothing is downloaded; the temporary folder is removed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

MB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def status_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


def reset_peak(pid: int) -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM to the current RSS


def start_server(folder: Path, port: int, upload_limit: str | None = None) -> subprocess.Popen:
    code = ("import uvicorn\n"
            "from wijkkompas.web import create_app\n"
            f"app = create_app(database_url={str(folder / 'w.sqlite')!r})\n"
            f"uvicorn.run(app, host='127.0.0.1', port={port}, log_level='warning', "
            "proxy_headers=False)\n")
    env = {**os.environ, "WIJKKOMPAS_DATA_DIR": str(folder), "WIJKKOMPAS_USER": "bench"}
    if upload_limit:
        env["WIJKKOMPAS_MAX_UPLOAD_BYTES"] = upload_limit
    proc = subprocess.Popen([sys.executable, "-c", code], env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


def send_big_body(port: int, size: int, *, chunked: bool) -> dict:
    """Send ``size`` bytes of JSON; stop as soon as the server answers."""
    sock = socket.create_connection(("127.0.0.1", port))
    head = ("POST /api/v1/partners HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: application/json\r\n")
    head += "Transfer-Encoding: chunked\r\n" if chunked else f"Content-Length: {size}\r\n"
    sock.sendall((head + "\r\n").encode())
    piece = b'{"naam": "' + b"x" * (MB - 20) + b'",'
    sent, answer = 0, b""
    started = time.perf_counter()
    sock.setblocking(False)
    pending = b""
    while True:
        readable, writable, _ = select.select([sock], [sock] if sent < size else [], [], 30)
        if readable:
            try:
                data = sock.recv(65536)
            except ConnectionError:
                data = b""
            answer += data
            if not data or b"\r\n\r\n" in answer:
                break
        elif writable:
            if not pending:
                chunk = piece[: size - sent]
                pending = (f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n") if chunked \
                    else chunk
                sent += len(chunk)
            try:
                n = sock.send(pending)
                pending = pending[n:]
            except (BlockingIOError, InterruptedError):
                pass
            except ConnectionError:
                break
        elif not readable and not writable:
            break  # 30 s without progress
    elapsed = time.perf_counter() - started
    sock.setblocking(True)
    sock.settimeout(5)
    try:
        while b"\r\n\r\n" in answer and len(answer) < 4096:
            more = sock.recv(65536)
            if not more:
                break
            answer += more
    except OSError:
        pass
    sock.close()
    status = answer.split(b" ", 2)[1].decode() if answer.startswith(b"HTTP/") else "none"
    body = answer.split(b"\r\n\r\n", 1)[1][:200].decode("utf-8", "replace") if answer else ""
    return {"status": status, "seconds": round(elapsed, 3), "client_sent_mb":
            round(sent / MB, 1), "answer": body}


def make_workbook(path: Path, rows: int, distinct: int) -> Path:
    """The demo agenda plus ``rows`` cost rows with ``distinct`` measure codes (write-only)."""
    from openpyxl import Workbook, load_workbook

    from wijkkompas.agenda.excel import write_workbook
    from wijkkompas.services.agenda.usecases import demo_agenda

    template = load_workbook(write_workbook(demo_agenda(), path.with_name("demo.xlsx")))
    wb = Workbook(write_only=True)
    for sheet in template.worksheets:
        out = wb.create_sheet(sheet.title)
        for values in sheet.iter_rows(values_only=True):
            out.append(list(values))
        if sheet.title == "Kosten":
            for i in range(rows):
                # code and year only (the amount column left empty): 1.5 M rows fit in the
                # 20 MB upload limit; reading stops at the row limit long before validation
                out.append([f"M{i % distinct:07d}", 2030 + i % 7])
    wb.save(path)
    return path


def upload(port: int, path: Path, token: str) -> tuple[int, str]:
    boundary = "benchgrens"
    data = path.read_bytes()
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"bestand\"; "
            f"filename=\"groot.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            ).encode() + data + f"\r\n--{boundary}--\r\n".encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
    try:
        conn.request("POST", "/api/v1/agenda/import", body=body, headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Authorization": f"Bearer {token}"})
    except ConnectionError:  # answered (413 on the declared length) before the body was sent
        return 0, "connection closed by the server before the body was sent (upload limit)"
    r = conn.getresponse()
    return r.status, r.read()[:300].decode("utf-8", "replace")


def ping_while(port: int, stop: threading.Event, out: list[float]) -> None:
    while not stop.is_set():
        t = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        try:
            conn.request("GET", "/api/v1/indicatoren")
            conn.getresponse().read()
        except OSError:
            return
        out.append(time.perf_counter() - t)
        time.sleep(0.05)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--body-mb", type=int, default=300)
    ap.add_argument("--rows", type=int, default=1_500_000)
    ap.add_argument("--distinct", type=int, default=100_000,
                    help="distinct measure codes (shared strings) on the big sheet")
    ap.add_argument("--upload-limit", default=None,
                    help="WIJKKOMPAS_MAX_UPLOAD_BYTES for the server (default: its own, 20MB)")
    args = ap.parse_args()
    from wijkkompas.services.accounts.tokens import create_token
    from wijkkompas.services.accounts.users import add_user
    from wijkkompas.settings import load_settings
    from wijkkompas.workspace import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ws = Workspace.open(f"sqlite:///{folder / 'w.sqlite'}",
                            settings=load_settings({}, data_dir=str(folder), user="bench"))
        add_user(ws, "bench-editor", "een-lang-genoeg-wachtwoord", role="editor")
        _info, token = create_token(ws, "bench-editor", "bench")
        ws.close()
        port = free_port()
        proc = start_server(folder, port, args.upload_limit)
        results: dict[str, dict] = {}
        try:
            print(f"server pid {proc.pid}, idle RSS {status_kb(proc.pid, 'VmRSS') / 1024:.0f} MB")
            for chunked in (False, True):
                reset_peak(proc.pid)
                name = f"{args.body_mb} MB JSON, {'chunked' if chunked else 'Content-Length'}"
                r = send_big_body(port, args.body_mb * MB, chunked=chunked)
                r["server_peak_rss_mb"] = round(status_kb(proc.pid, "VmHWM") / 1024)
                results[name] = r
                print(name, json.dumps(r, ensure_ascii=False))
            t = time.perf_counter()
            book = make_workbook(folder / "groot.xlsx", args.rows, args.distinct)
            print(f"workbook: {args.rows} rows, {book.stat().st_size / MB:.1f} MB, "
                  f"built in {time.perf_counter() - t:.0f} s")
            reset_peak(proc.pid)
            stop, pings = threading.Event(), []
            pinger = threading.Thread(target=ping_while, args=(port, stop, pings), daemon=True)
            pinger.start()
            t = time.perf_counter()
            status, text = upload(port, book, token)
            elapsed = time.perf_counter() - t
            stop.set()
            pinger.join(timeout=600)
            r = {"status": status, "seconds": round(elapsed, 2),
                 "server_peak_rss_mb": round(status_kb(proc.pid, "VmHWM") / 1024),
                 "slowest_concurrent_get_s": round(max(pings), 3) if pings else None,
                 "concurrent_gets": len(pings), "answer": text}
            results[f"workbook {args.rows} rows"] = r
            print(f"workbook {args.rows} rows", json.dumps(r, ensure_ascii=False))
        finally:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
