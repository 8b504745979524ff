"""Upload memory benchmark (issue 19): a 500 MB video streams through gunicorn at flat memory.

    DATABASE_URL=... REDIS_URL=... python -m dangpt.tooling.upload_bench [--mb 500] [--port 8106]

Seeds the demo clinic (idempotent) into DATABASE_URL's database, starts gunicorn (one sync
worker; DEBUG on, as plain HTTP needs, and no second factor, which a script cannot type), signs
in as therapist1 and POSTs a multipart upload of the given size to a runner's chart, generated
on the fly in 1 MB pieces. A thread reads the worker's resident memory (VmRSS in /proc) every
50 ms. Then the same with a limit below the file's size: the upload is refused while it streams.
The figures go into the generated section of docs/performance.md.
"""

import argparse
import http.client
import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "docs" / "performance.md"
START, END = "<!-- upload bench: start -->", "<!-- upload bench: end -->"
PASSWORD = "bench-" + secrets.token_hex(8)
MB = 1024 * 1024
BOUNDARY = "----dangpt-bench-" + secrets.token_hex(8)


def rss_kib(pid: int) -> int:
    """Resident memory of a process in KiB (VmRSS)."""
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", text).group(1))


def worker_pid(master: int, timeout: float = 30) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.2)
    raise RuntimeError("gunicorn started no worker")


class Sampler(threading.Thread):
    """Reads a process's RSS every 50 ms until stopped."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.samples, self.running = pid, [], True

    def run(self) -> None:
        while self.running:
            self.samples.append(rss_kib(self.pid))
            time.sleep(0.05)


class Session:
    """A signed-in browser session against the bench server (cookies and the CSRF token)."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def request(self, method: str, path: str, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers={"Cookie": cookie, **(headers or {})})
        response = conn.getresponse()
        data = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, rest = value.split("=", 1)
                self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response, data

    def sign_in(self, username: str) -> None:
        self.request("GET", "/accounts/login/")
        form = urllib.parse.urlencode(
            {
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.cookies["csrftoken"],
            }
        )
        response, _ = self.request(
            "POST",
            "/accounts/login/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{self.port}/accounts/login/",
            },
        )
        if response.status != 302:
            raise RuntimeError(f"sign-in failed: {response.status}")


def multipart(token: str, size: int):
    """(length, iterator) of a multipart body whose file is an MP4 header and `size` bytes."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f"{token}\r\n"
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="label"\r\n\r\nbench\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="bench.mp4"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    ftyp = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()

    def body():
        yield head + ftyp
        left = size - len(ftyp)
        piece = b"\x00" * MB
        while left > 0:
            yield piece[: min(MB, left)]
            left -= MB
        yield tail

    return len(head) + size + len(tail), body()


def upload(session: Session, patient_id: int, size: int, pid: int) -> dict:
    """POST the upload while sampling the worker's memory."""
    base = rss_kib(pid)
    length, body = multipart(session.cookies["csrftoken"], size)
    sampler = Sampler(pid)
    sampler.start()
    started = time.monotonic()
    response, data = session.request(
        "POST",
        f"/clinical/patients/{patient_id}/files/new/",
        body=body,
        headers={
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Content-Length": str(length),
            "Referer": f"http://127.0.0.1:{session.port}/",
        },
    )
    seconds = time.monotonic() - started
    sampler.running = False
    sampler.join()
    refused = re.search(rb"The file is too large[^<]*", data)
    return {
        "status": response.status,
        "seconds": seconds,
        "base_mib": base / 1024,
        "peak_mib": max(sampler.samples) / 1024,
        "samples": len(sampler.samples),
        "message": refused.group(0).decode() if refused else "",
    }


def prepare(env: dict) -> int:
    """Seed the demo clinic; return the id of a patient therapist1 sees."""
    manage = [sys.executable, "manage.py"]
    # Our own interpreter and manage.py, fixed arguments.
    subprocess.run([*manage, "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    subprocess.run(  # noqa: S603
        [*manage, "seed_demo", "--password", PASSWORD], cwd=ROOT, env=env, check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    code = (
        "from patients.models import Patient; from django.contrib.auth import get_user_model;"
        "t = get_user_model().objects.get(username='therapist1');"
        "print(Patient.objects.visible_to(t).order_by('pk').first().pk)"
    )
    done = subprocess.run(  # noqa: S603
        [*manage, "shell", "-c", code], cwd=ROOT, env=env, check=True, capture_output=True
    )
    return int(done.stdout.strip().splitlines()[-1])


def serve(env: dict, port: int) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603 - our interpreter running gunicorn
        [
            sys.executable, "-m", "gunicorn", "dangpt.wiring.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "600",
        ],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/healthz")
            return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def run(size_mb: int, port: int, limit_mb: int) -> tuple[dict, dict]:
    with tempfile.TemporaryDirectory(prefix="dangpt-upload-bench-") as work:
        env = dict(
            os.environ,
            DEBUG="true",
            MFA_REQUIRED="false",
            ATTACHMENTS_ROOT=str(Path(work) / "attachments"),
            FILE_UPLOAD_TEMP_DIR=work,
            CELERY_QUEUE="upload-bench",  # no worker: the video's job is not run
            ATTACHMENT_MAX_VIDEO_MB=str(size_mb + 10),
        )
        patient_id = prepare(env)
        results = []
        for limit in (size_mb + 10, limit_mb):
            server = serve({**env, "ATTACHMENT_MAX_VIDEO_MB": str(limit)}, port)
            try:
                session = Session(port)
                session.sign_in("therapist1")
                results.append(upload(session, patient_id, size_mb * MB, worker_pid(server.pid)))
            finally:
                server.terminate()
                server.wait(timeout=30)
        leftovers = [p for p in Path(work).rglob("*") if p.is_file()]
        results[1]["leftovers"] = len([p for p in leftovers if "attachments" not in p.parts])
    return results[0], results[1]


def report(size_mb: int, limit_mb: int, stored: dict, refused: dict) -> str:
    def row(name: str, r: dict) -> str:
        growth = r["peak_mib"] - r["base_mib"]
        return (
            f"| {name} | {r['status']} | {r['seconds']:.1f} s | {size_mb / r['seconds']:.0f} MB/s "
            f"| {r['base_mib']:.1f} MiB | {r['peak_mib']:.1f} MiB | {growth:+.1f} MiB "
            f"| {r['samples']} |"
        )

    return "\n".join(
        [
            START,
            f"Command: `python -m dangpt.tooling.upload_bench --mb {size_mb}` "
            f"({time.strftime('%Y-%m-%d')}). One gunicorn sync worker; its resident memory read",
            "every 50 ms while the upload streamed over loopback.",
            "",
            "| upload | status | time | rate | worker RSS before | peak during | growth "
            "| samples |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
            row(f"{size_mb} MB video, stored", stored),
            row(f"{size_mb} MB video, limit {limit_mb} MB", refused),
            "",
            f"The refused upload answered {refused['status']} with “{refused['message']}”; "
            f"temporary files left behind: {refused.get('leftovers', 0)}.",
            END,
        ]
    )


def write_report(section: str) -> None:
    text = REPORT.read_text()
    if START in text:
        before, rest = text.split(START, 1)
        text = before + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n## Attachment uploads (issue 19)\n\n" + section + "\n"
    REPORT.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=500, help="size of the upload")
    parser.add_argument("--limit-mb", type=int, default=100, help="limit of the refused run")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8106")))
    parser.add_argument("--no-report", action="store_true", help="print, do not write the doc")
    args = parser.parse_args()
    stored, refused = run(args.mb, args.port, args.limit_mb)
    section = report(args.mb, args.limit_mb, stored, refused)
    print(section)
    if not args.no_report:
        write_report(section)


if __name__ == "__main__":
    main()
