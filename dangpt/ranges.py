"""Private file responses that answer HTTP Range requests (RFC 9110 §14), so video seeks.

One byte range per request (what browsers ask of video): 206 with Content-Range, 416 when it lies
past the end; several ranges, a malformed header or an If-Range that no longer matches get the
whole file (200), as the RFC allows. With `accel_prefix` the proxy sends the bytes instead
(nginx X-Accel-Redirect, which answers Range itself).
"""

import re
from collections.abc import Callable, Iterator
from typing import IO
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

CHUNK = 64 * 1024
# At most 18 digits (under 2**63): longer numbers are no file's size and would overflow int().
RANGE = re.compile(r"^bytes=(\d{1,18})?-(\d{1,18})?$", re.ASCII)


def parse_range(header: str, size: int) -> tuple[int, int] | None | bool:
    """(first, last) of a single satisfiable range; None for no usable range (send it all);
    False when the range lies wholly past the end (416)."""
    match = RANGE.match(header.strip())
    if not match or match.group(1) is None and match.group(2) is None:
        return None
    first, last = match.group(1) or "", match.group(2) or ""
    if first == "":  # suffix: the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            return False
        return max(0, size - length), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None  # malformed: ignored
    if start >= size:
        return False
    return start, min(end, size - 1)


def _stream(opened: IO[bytes], start: int, length: int) -> Iterator[bytes]:
    try:
        opened.seek(start)
        left = length
        while left > 0:
            chunk = opened.read(min(CHUNK, left))
            if not chunk:
                break
            left -= len(chunk)
            yield chunk
    finally:
        opened.close()


def _disposition(filename: str, inline: bool) -> str:
    kind = "inline" if inline else "attachment"
    ascii_name = re.sub(r"[^A-Za-z0-9._ -]", "_", filename)[:150] or "file"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename[:150])}"


def ranged_file_response(
    request: HttpRequest,
    *,
    open_file: Callable[[], IO[bytes]],
    size: int,
    content_type: str,
    etag: str,
    filename: str,
    inline: bool = True,
    accel_path: str = "",
) -> HttpResponse:
    """The file, or the byte range asked for; never cached by shared caches."""
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": f'"{etag}"',
        "Cache-Control": "private, no-store",
        "Content-Disposition": _disposition(filename, inline),
        "X-Content-Type-Options": "nosniff",
    }
    if accel_path:
        response = HttpResponse(content_type=content_type, headers=headers)
        response["X-Accel-Redirect"] = accel_path
        return response
    wanted = request.headers.get("Range", "")
    if_range = request.headers.get("If-Range")
    if wanted and if_range is not None and if_range.strip() != f'"{etag}"':
        wanted = ""  # the file changed since the client's copy: send the whole file
    span = parse_range(wanted, size) if wanted else None
    if span is False:
        response = HttpResponse(status=416, headers=headers)
        response["Content-Range"] = f"bytes */{size}"
        return response
    first, last = span if span else (0, size - 1)
    length = max(0, last - first + 1)
    body = [] if request.method == "HEAD" else _stream(open_file(), first, length)
    response = StreamingHttpResponse(
        body, status=206 if span else 200, content_type=content_type, headers=headers
    )
    response["Content-Length"] = str(length)
    if span:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    return response
