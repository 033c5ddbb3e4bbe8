"""`leaflet build --site`: the static site, its audio, and what a browser sees of it.

- Audio: every language with an espeak-ng voice (29) is spoken as the build speaks it: not
  silent (sox `stat` RMS above a floor), 0.5-2x the text's length read at 130 words (300
  characters for Chinese) a minute, its script reading the helpline digit by digit, twice.
  Encoding that speech to Opus is the same step in every language (and the suite's most
  expensive: about 4 s of CPU a language), so the site is built with its audio for nine
  languages (SITE_LANGUAGES: the five whose pages axe-core checks and the five without a
  voice; Tigrinya is both), synthesised for English and Arabic (SYNTHESISED: the two the
  station's kiosk plays) and recorded for Hindi and Chinese (a placed file, as a native
  speaker's recording would be): each synthesised file exists, is served, and is speech of
  the right length; each recording is served as placed; speech made once is remembered for
  the same inputs; a recording placed in audio/ is used instead of synthesis, also for a
  language without a voice; a language without a voice is reported (manifest, `leaflet
  languages`, build summary), never faked. Every language's page (34) is checked for a
  phone's width on a site made without audio.
- The site: axe-core in headless Chromium finds no serious or critical violation on the
  index and on the pages of en, ar, ti, zh-Hans, hi, with JavaScript on and off; no request
  leaves the page's own origin; it opens from the file system too.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import struct
import subprocess
import threading
from pathlib import Path

import polib
import pytest

from conftest import EDITION, copy_workspace, invoke, set_languages
from station import browser


PAGES = ["en", "ar", "ti", "zh-Hans", "hi"]
NO_VOICE = {"ti", "so", "pcm", "fil", "ps"}  # espeak-ng 1.51 has no voice for these
SITE_LANGUAGES = [*PAGES, *sorted(NO_VOICE - set(PAGES))]
SYNTHESISED = ["en", "ar"]
RECORDED = {"hi": "C. Reader", "zh-Hans": "D. Reader"}  # audio/<code>.ogg placed in the site


def _place_recordings(ws: Path, speakers: dict[str, str]) -> None:
    """A recording (three seconds of a tone, Ogg) placed in `ws`'s audio/ for each language
    of `speakers`, and its [audio.<code>] section in leaflet.toml."""
    (ws / "audio").mkdir(exist_ok=True)
    with open(ws / "leaflet.toml", "a", encoding="utf-8") as toml:
        for code, speaker in speakers.items():
            subprocess.run(["sox", "-n", "-r", "16000", str(ws / "audio" / f"{code}.ogg"),
                            "synth", "3", "sine", "440"], check=True)
            toml.write(f'\n[audio.{code}]\nfile = "{code}.ogg"\nspeaker = "{speaker}"\n'
                       "recorded_on = 2026-11-30\n")


RMS_FLOOR = 0.02


@pytest.fixture(scope="module")
def site(built, tmp_path_factory):
    """A copy of the built workspace, made to hold SITE_LANGUAGES, with its site and audio
    (`leaflet build --site`): the site writes into its own copy, never into `built`, which
    other tests read."""
    import shutil

    source, _ = built
    ws = tmp_path_factory.mktemp("site") / "ws"
    shutil.copytree(source, ws)
    set_languages(ws, SITE_LANGUAGES)
    _place_recordings(ws, RECORDED)
    result = invoke(ws, "build", "--site")
    assert result.exit_code == 0, result.output
    manifest = json.loads((ws / "output" / EDITION / "manifest.json").read_text())
    return ws, manifest, result.output


@pytest.fixture(scope="module")
def every_page(built, tmp_path_factory):
    """The site's folder for all 34 languages, without audio (site.build_site over the
    built manifest): the pages a phone's width is checked on."""
    import shutil

    from leaflet.edition.site import build_site
    from leaflet.workspace import load_workspace

    source, manifest = built
    ws = tmp_path_factory.mktemp("every-page") / "ws"
    shutil.copytree(source, ws)
    build_site(load_workspace(ws), manifest)
    return ws / "output" / EDITION / "site", manifest


def _opus_seconds(data: bytes) -> float:
    """An Ogg Opus file's length: its last page's granule position (48 kHz samples) less
    the pre-skip of its OpusHead (RFC 7845), read without decoding the file."""
    head = data.find(b"OpusHead")
    pre_skip = struct.unpack_from("<H", data, head + 10)[0]
    granule = struct.unpack_from("<q", data, data.rfind(b"OggS") + 6)[0]
    return (granule - pre_skip) / 48000


def _opus_start(data: bytes, seconds: float) -> bytes:
    """The file's first pages up to `seconds` of sound: a shorter Ogg Opus file."""
    pos = 0
    while (page := data.find(b"OggS", pos)) >= 0:
        segments = data[page + 27:page + 27 + data[page + 26]]
        pos = page + 27 + len(segments) + sum(segments)
        if struct.unpack_from("<q", data, page + 6)[0] >= seconds * 48000:
            break
    return data[:pos]


def _wav_stat(wav: Path, seconds: float = 90) -> dict[str, float]:
    """sox `stat` of a WAV file's first `seconds`."""
    done = subprocess.run(["sox", str(wav), "-n", "trim", "0", str(seconds), "stat"],
                          capture_output=True, text=True)
    stats = {}
    for line in done.stderr.splitlines():
        name, _, value = line.partition(":")
        try:
            stats[name.strip()] = float(value.strip())
        except ValueError:
            pass
    return stats


def _sox_stat(path: Path, tmp_path: Path, seconds: float = 90) -> dict[str, float]:
    """sox `stat` of an Opus file's first `seconds` (decoded with opusdec: sox reads no
    Opus; decoding whole files cost the suite a minute), with its whole length."""
    data = path.read_bytes()
    start = tmp_path / (path.stem + ".start.opus")
    start.write_bytes(_opus_start(data, seconds))
    wav = tmp_path / (path.stem + ".wav")
    subprocess.run(["opusdec", "--quiet", "--rate", "16000", str(start), str(wav)], check=True)
    stats = _wav_stat(wav, seconds)
    assert stats["Length (seconds)"] == pytest.approx(min(seconds, _opus_seconds(data)), abs=1)
    stats["Length (seconds)"] = _opus_seconds(data)
    return stats


def _assert_speech(code: str, stats: dict[str, float], text: str, ssml: str) -> None:
    """What any language's audio must be: speech of the text's length, the helpline read
    digit by digit, slowly, twice."""
    assert stats["RMS     amplitude"] > RMS_FLOOR, f"{code}: silent ({stats})"
    ratio = stats["Length (seconds)"] / _expected_seconds(text, code)
    assert 0.5 <= ratio <= 2, f"{code}: {stats['Length (seconds)']:.0f} s is {ratio:.2f}x"
    helpline = "0 7 8 0 5 5 8 0 0"
    assert text.count(f"{helpline} {helpline}") >= 3, code  # read twice, each time
    assert '<prosody rate="x-slow">0 7 8 <break' in ssml, code


def _expected_seconds(text: str, code: str) -> float:
    """The text's length read at 130 words a minute; for the scripts written without
    spaces between words (Chinese, and Thai, which has no word count without a
    dictionary), at 300 characters a minute."""
    if code in ("zh-Hans", "th"):
        return len(re.sub(r"\s", "", text)) / 300 * 60
    return len(text.split()) / 130 * 60


def test_the_length_read_from_the_ogg_pages_is_the_decoded_length(tmp_path):
    wav, opus = tmp_path / "tone.wav", tmp_path / "tone.opus"
    subprocess.run(["sox", "-n", "-r", "22050", "-b", "16", "-c", "1", str(wav), "synth", "137.3", "sine", "440"],
                   check=True)
    subprocess.run(["opusenc", "--quiet", str(wav), str(opus)], check=True)
    assert _opus_seconds(opus.read_bytes()) == pytest.approx(137.3, abs=0.01)
    stats = _sox_stat(opus, tmp_path, seconds=20)
    assert stats["Length (seconds)"] == pytest.approx(137.3, abs=0.01)
    assert stats["RMS     amplitude"] > 0.3  # a sine at sox's default level: RMS 0.5


@pytest.mark.slow
def test_every_voice_reads_the_leaflet_aloud(built, tmp_path):
    """Each of the 29 languages with a voice, spoken as the build speaks it (its leaflet's
    HTML as built, audio.script, audio.speak): speech, of the text's length."""
    from concurrent.futures import ThreadPoolExecutor

    from leaflet.edition import audio
    from leaflet.edition.build import print_html
    from leaflet.languages import scripts
    from leaflet.render import templates
    from leaflet.workspace import load_workspace

    ws, manifest = built
    workspace = load_workspace(ws)
    voiced = [c for c in manifest["languages"] if c not in NO_VOICE]
    assert len(voiced) == 29
    env = templates.environment(workspace.templates_dir)
    scripted = {}
    for lang in scripts.languages_for(workspace, voiced):  # one Jinja environment: in turn
        plan = audio.plan_for(workspace, lang.code)
        assert plan.kind == "synthetic" and plan.voice == audio.VOICES[lang.code], lang.code
        html = print_html(workspace, env, lang, manifest["languages"][lang.code])
        scripted[lang.code] = (plan, *audio.script(html, lang.code))

    def listen(code):
        plan, ssml, _text = scripted[code]
        wav = tmp_path / f"{code}.wav"
        seconds = audio.speak(plan, ssml, wav)
        stats = _wav_stat(wav)
        wav.unlink()  # 30-40 MB each
        return {**stats, "Length (seconds)": seconds}

    with ThreadPoolExecutor(2) as pool:  # espeak-ng and sox are child processes
        heard = dict(zip(voiced, pool.map(listen, voiced)))
    for code in voiced:
        _plan, ssml, text = scripted[code]
        _assert_speech(code, heard[code], text, ssml)


@pytest.mark.slow
def test_the_site_serves_each_voiced_languages_audio(site, tmp_path):
    """The files the build made (espeak-ng, then opusenc) for the site's synthesised
    languages: in audio/ and on the language's page, Opus, speech of the text's length; the
    recorded ones served as placed, with their speaker."""
    from concurrent.futures import ThreadPoolExecutor

    from leaflet.edition import audio

    ws, manifest, _ = site
    voiced = [c for c in SITE_LANGUAGES if c not in NO_VOICE and c not in RECORDED]
    assert voiced == SYNTHESISED
    out = ws / "output" / EDITION
    for code, speaker in RECORDED.items():
        entry = manifest["languages"][code]["audio"]
        assert entry == {**entry, "kind": "recording", "file": f"{code}.ogg",
                         "speaker": speaker, "recorded_on": "2026-11-30"}
        assert (out / "site" / code / f"{code}.ogg").read_bytes() == \
            (ws / "audio" / f"{code}.ogg").read_bytes()
        page = (out / "site" / code / "index.html").read_text(encoding="utf-8")
        assert f'src="{code}.ogg"' in page and "Synthetic voice" not in page, code
        assert not (out / "audio" / f"{code}.ssml").exists()
    entries = {code: manifest["languages"][code]["audio"] for code in voiced}
    with ThreadPoolExecutor(2) as pool:  # opusdec and sox are child processes
        measured = dict(zip(voiced, pool.map(
            lambda code: _sox_stat(out / "audio" / entries[code]["file"], tmp_path), voiced)))
    for code in voiced:
        entry = entries[code]
        assert entry["kind"] == "synthetic" and entry["voice"] == audio.VOICES[code], code
        path = out / "audio" / entry["file"]
        assert path.is_file() and (out / "site" / code / entry["file"]).read_bytes() == \
            path.read_bytes()
        page = (out / "site" / code / "index.html").read_text(encoding="utf-8")
        assert f'src="{entry["file"]}"' in page, code
        assert entry["seconds"] == pytest.approx(measured[code]["Length (seconds)"], abs=0.1)
        text = (out / "audio" / entry["text"]).read_text(encoding="utf-8")
        ssml = (out / "audio" / entry["script"]).read_text(encoding="utf-8")
        _assert_speech(code, measured[code], text, ssml)


@pytest.mark.slow
def test_languages_without_a_voice_are_reported_not_faked(site):
    ws, manifest, output = site
    for code in NO_VOICE:
        entry = manifest["languages"][code]["audio"]
        assert entry["kind"] == "none" and "no voice" in entry["reason"]
        page = (ws / "output" / EDITION / "site" / code / "index.html").read_text()
        said = polib.pofile(str(ws / "translations" / code.replace("-", "_") / "LC_MESSAGES"
                                / "leaflet.po")).find("No audio in this language yet.").msgstr
        assert "<audio" not in page and said in page  # in the person's language
        assert "No audio in this language yet." not in page
        assert not list((ws / "output" / EDITION / "site" / code).glob("*.opus"))
    summary = next(line for line in output.splitlines() if line.strip().startswith("no audio"))
    assert sorted(summary.split(":", 1)[1].replace(" ", "").split(",")) == sorted(NO_VOICE)
    listed = json.loads(invoke(ws, "languages", "--json").output)
    audio = {row["code"]: row["audio"] for row in listed}
    assert {c for c, kind in audio.items() if kind == "none"} == NO_VOICE
    assert audio["en"] == "synthetic voice"


@pytest.mark.slow
def test_audio_is_incremental_and_reproducible(site, monkeypatch, tmp_path):
    ws, manifest, _ = site
    out = ws / "output" / EDITION / "audio"
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("*.opus")}
    result = invoke(ws, "build", "--site")
    assert result.exit_code == 0, result.output
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.opus")} == before
    # Removed and made again by espeak-ng and opusenc (an empty cache folder: no memory of
    # it): the same bytes (the Ogg serial comes from the inputs' hash).
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "empty-cache"))
    sha = manifest["languages"]["en"]["audio"]["sha256"]
    (out / "en.opus").unlink()
    result = invoke(ws, "build", "--site")
    assert result.exit_code == 0, result.output
    again = json.loads((ws / "output" / EDITION / "manifest.json").read_text())
    assert again["languages"]["en"]["audio"]["sha256"] == sha


@pytest.mark.slow
def test_speech_made_once_is_remembered_for_the_same_inputs(site, monkeypatch, tmp_path):
    """A copy of the site's workspace, its output emptied, gets its audio from the memory in
    the cache folder (no synthesis), byte for byte; a damaged memory is synthesised again."""
    import shutil

    from leaflet.edition import audio

    ws, manifest, _ = site
    copy = tmp_path / "ws"
    shutil.copytree(ws, copy)
    shutil.rmtree(copy / "output" / EDITION / "audio")
    shutil.rmtree(copy / "output" / EDITION / "site")

    def no_synthesis(*_args):
        raise AssertionError("synthesised although remembered")

    monkeypatch.setattr(audio, "synthesise", no_synthesis)
    result = invoke(copy, "build", "--site")
    assert result.exit_code == 0, result.output
    again = json.loads((copy / "output" / EDITION / "manifest.json").read_text())
    for code in ("en", "ar"):
        assert again["languages"][code]["audio"] == manifest["languages"][code]["audio"]
        assert (copy / "output" / EDITION / "audio" / f"{code}.opus").read_bytes() == \
            (ws / "output" / EDITION / "audio" / f"{code}.opus").read_bytes()
    # A damaged memory is not used.
    memory = audio._memory(manifest["languages"]["en"]["audio"]["inputs"])
    damaged = tmp_path / "damaged"
    shutil.copytree(memory.parent, damaged / "leaflet" / "audio")
    (damaged / "leaflet" / "audio" / memory.name / "speech.opus").write_bytes(b"OggS broken")
    monkeypatch.setenv("XDG_CACHE_HOME", str(damaged))
    assert audio._from_memory(memory.name, tmp_path / "en.opus") is None
    assert not (tmp_path / "en.opus").exists()


def test_the_first_synthesis_published_is_the_one_every_build_keeps(workspace, monkeypatch,
                                                                    tmp_path):
    """Two builds on one machine synthesise the same inputs at the same moment (nothing in the
    memory yet for either): the first published is kept, and the other build takes it in place
    of its own speech, so both hold the same bytes (espeak-ng 1.51's Arabic voice does not
    give the same speech twice: a synthesis may differ from the one before); a damaged memory
    is replaced."""
    import os

    from leaflet.edition import audio
    from leaflet.files import write_atomic
    from leaflet.workspace import load_workspace

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    loaded = load_workspace(workspace)
    html = '<html lang="ar"><body><p>اتصل بمركز المساعدة.</p></body></html>'
    other = tmp_path / "other.opus"
    other.write_bytes(b"OggS the other build's speech")
    made = []

    def varying(_plan, _ssml, inputs, dest):
        if not made:  # the other build publishes while this one is still speaking
            audio._to_memory(inputs, other, 7.25)
        made.append(dest)
        write_atomic(dest, b"OggS " + os.urandom(32))
        return 7.5

    monkeypatch.setattr(audio, "synthesise", varying)
    entry = audio.make(loaded, "ar", html, None)
    assert len(made) == 1
    dest = loaded.output_dir / audio.AUDIO_DIR / "ar.opus"
    assert dest.read_bytes() == other.read_bytes()
    assert entry["seconds"] == 7.25 and entry["sha256"] == audio.sha256_file(other)

    # Published again (a third build's speech): the first is still the one kept.
    third = tmp_path / "third.opus"
    third.write_bytes(b"OggS a third")
    audio._to_memory(entry["inputs"], third, 9.0)
    assert audio._from_memory(entry["inputs"], tmp_path / "got.opus") == 7.25
    assert (tmp_path / "got.opus").read_bytes() == other.read_bytes()
    # A damaged memory is not kept: the next publication replaces it.
    memory = audio._memory(entry["inputs"])
    (memory / "speech.opus").write_bytes(b"OggS damaged")
    audio._to_memory(entry["inputs"], third, 9.0)
    assert audio._from_memory(entry["inputs"], tmp_path / "got.opus") == 9.0
    assert (tmp_path / "got.opus").read_bytes() == third.read_bytes()
    assert sorted(p.name for p in memory.parent.iterdir()) == [memory.name]  # nothing staged left


def test_a_placed_recording_wins_over_synthesis(tmp_path):
    ws = copy_workspace(tmp_path / "ws", languages=["en", "ti"])
    _place_recordings(ws, {"en": "A. Reader", "ti": "B. Reader"})
    result = invoke(ws, "build", "--site")
    assert result.exit_code == 0, result.output
    manifest = json.loads((ws / "output" / EDITION / "manifest.json").read_text())
    for code, speaker in (("en", "A. Reader"), ("ti", "B. Reader")):
        entry = manifest["languages"][code]["audio"]
        assert entry == {**entry, "kind": "recording", "file": f"{code}.ogg",
                         "speaker": speaker, "recorded_on": "2026-11-30"}
        served = ws / "output" / EDITION / "site" / code / f"{code}.ogg"
        assert served.read_bytes() == (ws / "audio" / f"{code}.ogg").read_bytes()
        page = (ws / "output" / EDITION / "site" / code / "index.html").read_text()
        assert f'src="{code}.ogg"' in page and "Synthetic voice" not in page
    assert not (ws / "output" / EDITION / "audio" / "en.ssml").exists()
    assert "recorded audio: en, ti" in result.output


def test_a_bad_audio_setting_is_one_line_naming_the_file(workspace):
    with open(workspace / "leaflet.toml", "a", encoding="utf-8") as toml:
        toml.write('\n[audio.en]\nfile = "../etc/passwd"\nspeaker = "X"\nrecorded_on = 2026-11-30\n')
    result = invoke(workspace, "build", "--site")
    assert result.exit_code == 1
    assert "leaflet.toml:" in result.output and "[audio.en] file must be a file name" \
        in result.output
    assert "Traceback" not in result.output


def test_base_url_puts_a_qr_code_to_the_language_page_on_the_leaflet(tmp_path):
    ws = copy_workspace(tmp_path / "ws", languages=["en"])
    text = (ws / "leaflet.toml").read_text(encoding="utf-8")
    (ws / "leaflet.toml").write_text(
        text + '\n[site]\nbase_url = "https://leaflet.example.be/2027-01"\n', encoding="utf-8")
    result = invoke(ws, "build")
    assert result.exit_code == 0, result.output
    manifest = json.loads((ws / "output" / EDITION / "manifest.json").read_text())
    assert manifest["languages"]["en"]["qr"]["site"] == "https://leaflet.example.be/2027-01/en/"
    import zxingcpp
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(ws / "output" / EDITION / "en.pdf"))
    back = pdf[len(pdf) - 1].render(scale=4).to_pil()
    texts = {r.text for r in zxingcpp.read_barcodes(back)}
    assert "https://leaflet.example.be/2027-01/en/" in texts


# --- in a browser --------------------------------------------------------------------------------

class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def static_host(site):
    ws, _, _ = site
    handler = functools.partial(_Quiet, directory=str(ws / "output" / EDITION / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    session = browser.chromium(tmp_path_factory.mktemp("chromium") / "profile")
    yield session
    session.quit()


@pytest.fixture(scope="module")
def driver_without_js(tmp_path_factory):
    session = browser.chromium(tmp_path_factory.mktemp("chromium-nojs") / "profile",
                               javascript=False)
    yield session
    session.quit()


SITE_PAGES = ["index.html"] + [f"{code}/index.html" for code in PAGES]


def _dom(driver) -> str:
    return driver.execute_script("return document.documentElement.outerHTML")


@pytest.mark.slow
@pytest.mark.parametrize("page", SITE_PAGES)
def test_site_pages_accessible_and_on_their_own_origin(driver, driver_without_js, static_host,
                                                       page):
    driver.get_log("performance")
    driver.get(f"{static_host}/{page}")
    browser.wait_for_fonts(driver)
    sent = browser.requests_sent(driver.get_log("performance"))
    assert sent and not browser.foreign(sent, static_host), browser.foreign(sent, static_host)
    assert not browser.severe(driver.get_log("browser"))
    assert not driver.get_cookies()
    with_js = _dom(driver)
    grave = browser.grave(browser.axe(driver))
    assert not grave, f"axe-core on {page}:\n" + browser.describe(grave)
    if page != "index.html":
        assert driver.find_elements("css selector", "section.easy-read svg title")
        assert driver.find_elements("css selector", "ul.downloads a[href$='.pdf']")
    # Without JavaScript the page is the same document (the script only adds the Escape
    # key to the quick exit), so what axe-core judged above is what that reader gets, and
    # it too stays on the page's own origin.
    driver_without_js.get_log("performance")
    driver_without_js.get(f"{static_host}/{page}")
    sent = browser.requests_sent(driver_without_js.get_log("performance"))
    assert sent and not browser.foreign(sent, static_host)
    assert _dom(driver_without_js) == with_js


@pytest.mark.slow
def test_without_javascript_the_links_and_the_quick_exit_work(driver_without_js, static_host):
    d = driver_without_js
    d.get(f"{static_host}/index.html")
    browser.click_and_wait(d, "", "a.language[href='ti/index.html']",
                           f"{static_host}/ti/index.html")
    assert d.current_url == f"{static_host}/ti/index.html"
    assert d.find_element("css selector", "h1.headline").text
    # A plain link to the neutral page outside the site ([site] quick_exit_url; clicked
    # through in tests/station/test_site_phone.py, where it points at a local page).
    from leaflet.workspace.model import DEFAULT_QUICK_EXIT

    assert d.find_element("css selector", "a.quick-exit").get_attribute("href") == \
        DEFAULT_QUICK_EXIT


@pytest.mark.slow
def test_site_opens_from_the_file_system(driver, every_page):
    root, _ = every_page
    driver.get((root / "index.html").as_uri())
    links = driver.find_elements("css selector", "a.language")
    assert len(links) == 34
    browser.click_and_wait(driver, "", links[0], (root / "en" / "index.html").as_uri())
    assert driver.current_url == (root / "en" / "index.html").as_uri()
    assert driver.find_element("css selector", "h1.headline").text


PHONE_WIDTHS = [320, 390]


@pytest.mark.slow
def test_no_page_is_wider_than_a_phone(driver, site, every_page):
    """Every language's page fits a phone's width (no sideways scrolling) at 320 and 390 px:
    long words break, addresses wrap, phone numbers stay whole; with its audio player too
    (the site's languages). Each page is loaded once and measured at both widths."""
    every, manifest = every_page
    with_audio = site[0] / "output" / EDITION / "site"
    pages = [every / "index.html"] + [every / code / "index.html"
                                      for code in manifest["languages"]]
    pages += [with_audio / code / "index.html" for code in SITE_LANGUAGES]
    wide = []
    try:
        for page in pages:
            for n, width in enumerate(PHONE_WIDTHS):
                driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                    "width": width, "height": 800, "deviceScaleFactor": 1, "mobile": True})
                if n == 0:
                    driver.get(page.as_uri())
                client, scroll = driver.execute_script(
                    "return [document.documentElement.clientWidth,"
                    " document.documentElement.scrollWidth]")
                assert client == width, (page, width, client)  # the new width is laid out
                if scroll > client:
                    wide.append(f"{page} at {width}: {scroll} px")
        assert not wide, wide
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
