"""The leaflet read aloud: one Opus file (in Ogg) per language, for people who cannot read it.

Per language, in this order:

1. a human recording placed in `audio/` and declared in leaflet.toml (`[audio.CODE] file,
   speaker, recorded_on`) is used as it is;
2. otherwise, when espeak-ng (Debian `espeak-ng`) has a voice for the language, the
   leaflet's own text is synthesised: the same HTML as the PDF, its headings, paragraphs and
   list items in reading order; every phone number (marked `class="tel"` by render.ltr) is
   read digit by digit from the data, slowly, twice. The page and the manifest label it
   "synthetic voice";
3. otherwise the language has no audio, and `leaflet languages` and the build summary say so.
   Another language's voice is never used.

The script that was spoken is kept beside the audio (`<lang>.ssml`), so that a reviewer (and
the tests) can read what the voice says. Synthesis is incremental and reproducible like the
PDFs: its inputs (script, voice, engine and encoder versions) are hashed into the manifest, an
unchanged language is skipped, and the Ogg stream's serial number is derived from that hash,
so the same inputs give the same bytes. Opus is encoded with opus-tools' `opusenc`; MP3 is not
made (see docs/accessibility.md).
"""

from __future__ import annotations

import functools
import hashlib
import html.parser
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from leaflet.errors import BuildError
from leaflet.files import sha256_file, write_atomic
from leaflet.i18n import N_, _

AUDIO_DIR = "audio"
# Our language code -> espeak-ng voice. A language absent here has no synthetic voice, even
# if espeak-ng has a voice of a neighbouring language: that is never a substitute.
VOICES = {
    "en": "en-gb", "fr": "fr-be", "nl": "nl", "de": "de", "es": "es", "pt": "pt",
    "ro": "ro", "bg": "bg", "pl": "pl", "hu": "hu", "sk": "sk", "cs": "cs", "lt": "lt",
    "el": "el", "sq": "sq", "ru": "ru", "uk": "uk", "tr": "tr", "ar": "ar", "am": "am",
    "sw": "sw", "zh-Hans": "cmn", "th": "th", "vi": "vi", "hi": "hi", "bn": "bn", "ur": "ur",
    "ne": "ne", "fa": "fa",
}
RATE = 150  # words a minute: calm, a little slower than espeak-ng's 175
# espeak-ng's Mandarin reads each character as a word: at 150 it drags (2.2x a normal
# reading of 300 characters a minute); 190 brings it to a calm pace.
RATES = {"cmn": 190}
NUMBER_RATE = "x-slow"
BITRATE = 16  # kbit/s: mono speech, clear in Opus, with 60 ms frames
# opusenc's complexity: 1 encodes twice as fast as 5 (4.4 s against 9.2 s for 12 minutes of
# speech; the file is 12 % smaller), at some cost in quality that matters little for
# espeak-ng's synthetic voice. A human recording (a placed file) is copied as it is.
COMPLEXITY = 1
BLOCKS = {"h1", "h2", "h3", "p", "li", "dt", "dd"}
SKIP = {"figure", "style", "script", "title", "head"}
# Why a language has no audio: kept in the manifest as it is (English), shown translated by
# shown_reason().
NO_VOICE = N_("espeak-ng has no voice for this language and no recording is placed in audio/")
# Translators: %(voice)s is an espeak-ng voice's name, in quotes, like 'ti'.
NOT_INSTALLED = N_("espeak-ng voice %(voice)s is not installed (apt-get install espeak-ng)")


@dataclass
class Audio:
    """What one language's audio is: a recording, a synthesis, or nothing (and why)."""

    code: str
    kind: str  # "recording" | "synthetic" | "none"
    voice: str | None = None
    source: Path | None = None  # a recording
    speaker: str | None = None
    recorded_on: str | None = None
    reason: str | None = None  # for "none"


@functools.cache
def _espeak_voices() -> frozenset[str] | None:
    """The voices of the installed espeak-ng, or None when it is not installed."""
    if not shutil.which("espeak-ng"):
        return None
    done = subprocess.run(["espeak-ng", "--voices"], capture_output=True, text=True)
    voices = set()
    for line in done.stdout.splitlines()[1:]:
        fields = line.split()
        if len(fields) >= 2:
            voices.add(fields[1])
    return frozenset(voices)


@functools.cache
def tool_versions() -> str:
    """espeak-ng's and opusenc's versions: part of every synthesis's inputs."""
    out = []
    for tool in (["espeak-ng", "--version"], ["opusenc", "--version"]):
        try:
            out.append(subprocess.run(tool, capture_output=True, text=True).stdout.split("\n")[0])
        except OSError:
            out.append(f"{tool[0]} missing")
    return " | ".join(out)


def plan_for(workspace, code: str) -> Audio:
    """Which audio `code` gets (no file is read or written)."""
    recording = workspace.recordings.get(code)
    if recording is not None:
        return Audio(code, "recording", source=workspace.audio_dir / recording.file,
                     speaker=recording.speaker, recorded_on=recording.recorded_on.isoformat())
    voice = VOICES.get(code)
    if voice is None:
        return Audio(code, "none", reason=NO_VOICE)
    installed = _espeak_voices()
    if installed is None or voice not in installed:
        return Audio(code, "none", reason=NOT_INSTALLED % {"voice": repr(voice)})
    return Audio(code, "synthetic", voice=voice)


def shown_reason(reason: str) -> str:
    """A manifest's reason for no audio (English, as plan_for() gave it) in the reader's
    language; a reason it does not know, as it is."""
    if reason == NO_VOICE:
        return _(NO_VOICE)
    for voice in sorted(set(VOICES.values())):
        if reason == NOT_INSTALLED % {"voice": repr(voice)}:
            return _(NOT_INSTALLED) % {"voice": repr(voice)}
    return reason


# --- the script: what the voice says -----------------------------------------------------

class _Blocks(html.parser.HTMLParser):
    """The text of the leaflet's blocks in reading order; numbers marked as ("tel", digits)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[list[tuple[str, str]]] = []
        self._skip = 0
        self._depth = 0  # inside a block
        self._tel = 0
        self._footer = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag in SKIP:
            self._skip += 1
        elif tag == "div" and (self._footer or "footer" in classes):
            self._footer += 1  # the running footer, and any div inside it
        if tag in BLOCKS and not self._skip and not self._footer:
            if self._depth == 0:
                self.blocks.append([])
            self._depth += 1
        if tag == "bdi" and "tel" in classes:
            self._tel += 1

    def handle_endtag(self, tag):
        if tag in SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag == "div" and self._footer:
            self._footer -= 1
        if tag in BLOCKS and self._depth and not self._skip:
            self._depth -= 1
        if tag == "bdi" and self._tel:
            self._tel -= 1

    def handle_data(self, data):
        if self._depth and not self._skip and not self._footer:
            self.blocks[-1].append(("tel" if self._tel else "text", data))


def _digits(number: str) -> list[str]:
    return [ch for ch in number if ch.isdigit() or ch == "+"]


def script(html: str, lang_code: str) -> tuple[str, str]:
    """(SSML for espeak-ng, plain text of it) of the leaflet's HTML.

    Each phone number is read digit by digit, slowly, twice, with a pause between its groups.
    """
    parser = _Blocks()
    parser.feed(html)
    ssml, plain = [], []
    for block in parser.blocks:
        parts, words = [], []
        for kind, text in block:
            if kind == "tel":
                groups = [g for g in text.replace("\u00a0", " ").split() if g]
                spoken = ' <break time="350ms"/> '.join(
                    " ".join(escape(d) for d in _digits(g)) for g in groups)
                once = f'<prosody rate="{NUMBER_RATE}">{spoken}</prosody>'
                parts.append(f'<break time="400ms"/>{once}<break time="700ms"/>{once}'
                             '<break time="400ms"/>')
                digits = " ".join(" ".join(_digits(g)) for g in groups)
                words.append(f"{digits} {digits}")
            else:
                parts.append(escape(text))
                words.append(text)
        sentence = " ".join("".join(parts).split())
        if sentence:
            ssml.append(f"<p>{sentence}</p>")
            plain.append(" ".join(" ".join(words).split()))
    body = "\n".join(ssml)
    return (f'<speak version="1.0" xmlns="http://www.w3.org/2001/10/synthesis" '
            f'xml:lang="{escape(lang_code)}">\n{body}\n</speak>\n', "\n".join(plain) + "\n")


def inputs_of(audio: Audio, ssml: str = "") -> str:
    """sha256 over what makes the audio file: the recording's bytes, or script and tools."""
    h = hashlib.sha256()
    if audio.kind == "recording":
        h.update(b"recording\0" + sha256_file(audio.source).encode())
        h.update(f"\0{audio.speaker}\0{audio.recorded_on}".encode())
    else:
        h.update(f"synthetic\0{audio.voice}\0{RATES.get(audio.voice, RATE)}\0{BITRATE}\0"
                 f"{COMPLEXITY}\0{tool_versions()}\0".encode())
        h.update(ssml.encode())
    return h.hexdigest()


def file_name(audio: Audio) -> str:
    if audio.kind == "recording":
        return f"{audio.code}{audio.source.suffix}"
    return f"{audio.code}.opus"


def speak(audio: Audio, ssml: str, wav: Path) -> float:
    """espeak-ng reads `ssml` in `audio`'s voice into the WAV file `wav`; its length in
    seconds. (The speech alone: `synthesise` encodes it; tests/test_site.py listens to every
    voice this way without paying for the encoding.)"""
    done = subprocess.run(["espeak-ng", "-v", audio.voice, "-m", "-s",
                           str(RATES.get(audio.voice, RATE)),
                           "-w", str(wav), "--stdin"], input=ssml.encode(),
                          capture_output=True)
    if done.returncode or not wav.is_file():
        # Translators: %(error)s is espeak-ng's own message.
        raise BuildError(_("espeak-ng failed for %(code)s: %(error)s")
                         % {"code": audio.code,
                            "error": done.stderr.decode(errors="replace").strip()[:200]},
                         hint=_("run `leaflet doctor`"))
    with wave.open(str(wav)) as w:
        return w.getnframes() / float(w.getframerate())


def synthesise(audio: Audio, ssml: str, inputs: str, dest: Path) -> float:
    """Speak `ssml` with espeak-ng and encode it to Ogg Opus at `dest`; return seconds."""
    with tempfile.TemporaryDirectory(prefix="leaflet-audio-") as tmp:
        wav = Path(tmp) / "speech.wav"
        seconds = speak(audio, ssml, wav)
        opus = Path(tmp) / "speech.opus"
        serial = int(inputs[:8], 16) & 0x7FFFFFFF
        done = subprocess.run(["opusenc", "--quiet", "--bitrate", str(BITRATE),
                               "--comp", str(COMPLEXITY),
                               "--framesize", "60",
                               "--serial", str(serial), "--discard-comments",
                               "--comment", f"LANGUAGE={audio.code}",
                               "--comment", "COMMENT=synthetic voice (espeak-ng)",
                               str(wav), str(opus)], capture_output=True)
        if done.returncode:
            # Translators: %(error)s is opusenc's own message.
            raise BuildError(_("opusenc failed for %(code)s: %(error)s")
                             % {"code": audio.code,
                                "error": done.stderr.decode(errors="replace").strip()[:200]},
                             hint=_("apt-get install opus-tools, or run `leaflet doctor`"))
        write_atomic(dest, opus.read_bytes())
    return seconds


# --- the memory: speech made once per machine --------------------------------------------
# A synthesis is kept in the user's cache folder under its inputs' hash (inputs_of: the
# script, the voice, the rate, the engine's and encoder's versions), so that the same speech is
# never made twice on this machine: a rebuild into an emptied output/, a second workspace, a
# new edition whose text of a language did not change. The hash names every input, and the
# same inputs give the same bytes (the Ogg serial comes from the hash), so a file from the
# memory is the file a synthesis would write — except with espeak-ng 1.51's Arabic voice, whose
# speech differs by a few hundredths of a second from one run to the next. So the first
# synthesis published under a hash is the one kept (its folder renamed into place whole), and
# a build that synthesised the same inputs at the same moment takes that one instead of its
# own: every build on this machine agrees, byte for byte.

def _memory(inputs: str) -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("leaflet", appauthor=False)) / "audio" / inputs


def _read_memory(folder: Path) -> tuple[float, bytes] | None:
    """(seconds, bytes) of the memory in `folder`, or None when it is missing or damaged."""
    try:
        seconds = float((folder / "seconds").read_text(encoding="ascii"))
        data = (folder / "speech.opus").read_bytes()
        sha = (folder / "sha256").read_text(encoding="ascii")
    except (OSError, ValueError):
        return None
    if hashlib.sha256(data).hexdigest() != sha:
        return None  # a damaged memory: synthesise again
    return seconds, data


def _from_memory(inputs: str, dest: Path) -> float | None:
    """Copy the remembered synthesis of `inputs` to `dest`; its seconds, or None."""
    found = _read_memory(_memory(inputs))
    if found is None:
        return None
    seconds, data = found
    write_atomic(dest, data)
    return seconds


def _to_memory(inputs: str, made: Path, seconds: float) -> bool:
    """Publish the synthesis `made` under `inputs`: its three files staged in a folder beside,
    then renamed into place at once. An intact memory already there (another build published
    these inputs first) is kept, and this one dropped; a damaged one is replaced. True when
    `made` is now the memory."""
    folder = _memory(inputs)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        data = made.read_bytes()
        with tempfile.TemporaryDirectory(prefix=f".{inputs[:16]}-", dir=folder.parent) as tmp:
            staged = Path(tmp) / "memory"
            staged.mkdir()
            (staged / "speech.opus").write_bytes(data)
            (staged / "seconds").write_text(f"{seconds!r}", encoding="ascii")
            (staged / "sha256").write_text(hashlib.sha256(data).hexdigest(), encoding="ascii")
            if folder.exists() and _read_memory(folder) is None:
                shutil.rmtree(folder, ignore_errors=True)
            try:
                staged.rename(folder)
                return True
            except OSError:
                return False  # published first by another build: that one is kept
    except OSError:
        return False  # no memory: the next build synthesises again


def make(workspace, code: str, html: str, previous: dict | None) -> dict:
    """Make (or keep) the audio of one language in output/<edition>/audio/; its manifest entry.

    `previous` is the language's audio entry of the manifest: an unchanged input with an
    intact file is kept as it is.
    """
    audio = plan_for(workspace, code)
    folder = workspace.output_dir / AUDIO_DIR
    if audio.kind == "none":
        return {"kind": "none", "reason": audio.reason}
    if audio.kind == "recording" and not audio.source.is_file():
        raise BuildError(_("the recording of %(code)s is missing") % {"code": code},
                         path=audio.source,
                         hint=_("place it in audio/ or remove [audio.%(code)s] from leaflet.toml")
                         % {"code": code})
    ssml, plain = script(html, code) if audio.kind == "synthetic" else ("", "")
    inputs = inputs_of(audio, ssml)
    name = file_name(audio)
    dest = folder / name
    if (previous and previous.get("inputs") == inputs and previous.get("file") == name
            and dest.is_file() and sha256_file(dest) == previous.get("sha256")):
        return previous
    folder.mkdir(parents=True, exist_ok=True)
    entry = {"kind": audio.kind, "file": name, "inputs": inputs}
    if audio.kind == "recording":
        write_atomic(dest, audio.source.read_bytes())
        entry.update(speaker=audio.speaker, recorded_on=audio.recorded_on)
    else:
        write_atomic(folder / f"{code}.ssml", ssml.encode())
        write_atomic(folder / f"{code}.txt", plain.encode())
        seconds = _from_memory(inputs, dest)
        if seconds is None:
            seconds = synthesise(audio, ssml, inputs, dest)
            if not _to_memory(inputs, dest, seconds):
                # Published first by another build on this machine: its speech, not ours.
                remembered = _from_memory(inputs, dest)
                if remembered is not None:
                    seconds = remembered
        entry["seconds"] = round(seconds, 2)
        entry.update(voice=audio.voice, engine=tool_versions(), script=f"{code}.ssml",
                     text=f"{code}.txt", label="synthetic voice")
    entry["sha256"] = sha256_file(dest)
    return entry
