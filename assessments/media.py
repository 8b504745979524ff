"""ffprobe and ffmpeg for gait video: what a clip is, a poster frame and a browser-safe MP4.

Plain functions on local paths (the worker copies the file out of storage first). Every phone
format becomes H.264 in yuv420p with the index at the front (+faststart) and a constant frame
rate with a key frame every second, so a browser seeks and steps it frame by frame.

ffmpeg never guesses what an input is: it is read with the demuxer of the type sniffed at upload
(`DEMUXERS`) and may open local files only (`-protocol_whitelist file`), so a crafted upload
cannot make it fetch a playlist or another file. The playable MP4 carries no metadata or
chapters from the phone (location, titles) into what a runner is shown.
"""

import json
import subprocess  # noqa: S404 - fixed argument lists, no shell
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

from django.conf import settings


class MediaError(Exception):
    """A clip ffmpeg could not read or convert; the message is shown on the attachment's page."""


# The demuxer for each video type the upload sniffer accepts (assessments/uploads.py).
DEMUXERS = {"video/mp4": "mov", "video/quicktime": "mov", "video/webm": "matroska"}
PLAYABLE_DEMUXER = DEMUXERS["video/mp4"]


def demuxer_for(content_type: str) -> str:
    """The ffmpeg demuxer of a sniffed video type; MediaError for any other type."""
    try:
        return DEMUXERS[content_type]
    except KeyError:
        raise MediaError("Reading the video failed: this is not a video file.") from None


def _input(path: Path, demuxer: str) -> list[str]:
    """An input ffmpeg reads with the demuxer given and from the local file only."""
    return ["-protocol_whitelist", "file", "-f", demuxer, "-i", str(path)]


@dataclass(frozen=True)
class VideoInfo:
    duration_s: Decimal
    frame_rate: Decimal
    width: int
    height: int
    codec: str


def _run(args: list[str], *, what: str) -> subprocess.CompletedProcess:
    timeout = settings.ATTACHMENT_PROCESS_TIMEOUT_SECONDS
    try:
        done = subprocess.run(  # noqa: S603 - binaries from settings, paths we made
            args, capture_output=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        minutes = max(1, timeout // 60)
        raise MediaError(f"{what} took longer than {minutes} minutes and was stopped.") from exc
    except OSError as exc:
        raise MediaError(f"{what} could not start: the video tools are not installed.") from exc
    if done.returncode != 0:
        detail = _last_line(done.stderr)
        raise MediaError(f"{what} failed: {detail}" if detail else f"{what} failed.")
    return done


def _last_line(stderr: bytes) -> str:
    """ffmpeg's last message, without the temporary paths it names."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line]
    if not lines:
        return ""
    line = lines[-1]
    if ": " in line and line.startswith("/"):
        line = line.split(": ", 1)[1]
    return line[:300]


def _rate(value: str | None) -> Fraction | None:
    try:
        rate = Fraction(value or "")
    except (ValueError, ZeroDivisionError):
        return None
    return rate if rate > 0 else None


def probe(path: Path, *, demuxer: str) -> VideoInfo:
    """Duration, frame rate, display size and codec of the first video stream."""
    done = _run(
        [
            settings.FFPROBE_BINARY,
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
            *_input(path, demuxer),
        ],
        what="Reading the video",
    )
    data = json.loads(done.stdout or b"{}")
    video = next((s for s in data.get("streams", []) if s.get("codec_type") == "video"), None)
    if video is None:
        raise MediaError("Reading the video failed: the file holds no video picture.")
    rate = _rate(video.get("avg_frame_rate")) or _rate(video.get("r_frame_rate"))
    duration = video.get("duration") or data.get("format", {}).get("duration")
    if rate is None or not duration:
        raise MediaError("Reading the video failed: its frame rate or length is missing.")
    return VideoInfo(
        duration_s=Decimal(str(duration)).quantize(Decimal("0.001"), ROUND_HALF_UP),
        frame_rate=Decimal(rate.numerator / rate.denominator).quantize(
            Decimal("0.001"), ROUND_HALF_UP
        ),
        width=int(video.get("width") or 0),
        height=int(video.get("height") or 0),
        codec=str(video.get("codec_name") or ""),
    )


def make_playable(source: Path, target: Path, *, demuxer: str) -> None:
    """Convert any clip to H.264 MP4 (yuv420p, +faststart, constant frame rate, AAC sound),
    without the source's metadata (GPS location, titles) or chapters."""
    _run(
        [
            settings.FFMPEG_BINARY,
            "-nostdin",
            "-y",
            "-v",
            "error",
            *_input(source, demuxer),
            "-map_metadata",
            "-1",
            "-map_chapters",
            "-1",
            "-map",
            "0:v:0",
            "-map",
            "0:a:0?",
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-crf",
            "20",
            "-pix_fmt",
            "yuv420p",
            "-vf",
            "scale=trunc(iw/2)*2:trunc(ih/2)*2",
            "-fps_mode",
            "cfr",
            "-force_key_frames",
            "expr:gte(t,n_forced*1)",
            "-c:a",
            "aac",
            "-b:a",
            "128k",
            "-movflags",
            "+faststart",
            str(target),
        ],
        what="Converting the video",
    )


def make_poster(source: Path, target: Path, *, duration_s: Decimal) -> None:
    """A JPEG of the frame one second in (or halfway through a shorter clip) of a playable MP4."""
    at = min(Decimal(1), duration_s / 2)
    _run(
        [
            settings.FFMPEG_BINARY,
            "-nostdin",
            "-y",
            "-v",
            "error",
            "-ss",
            f"{at:.3f}",
            *_input(source, PLAYABLE_DEMUXER),
            "-frames:v",
            "1",
            "-q:v",
            "3",
            str(target),
        ],
        what="Making the poster frame",
    )
