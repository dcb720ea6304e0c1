"""The HTML report is one self-contained file that a real browser renders without errors."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from matplotlib.image import imread

from synthdata import evaluate
from synthdata.evaluate.plots import SYNTHETIC_COLOUR

CHROMIUM = next(
    (found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))), None
)
# Appended to a copy of the page: reports every image that failed to decode, then how many loaded.
IMAGE_CHECK = """<script>
window.addEventListener("load", () => {
  const broken = [...document.images].filter((image) => !image.complete || image.naturalWidth === 0);
  broken.forEach((image) => console.error("broken image: " + image.alt));
  console.log("report check: " + (document.images.length - broken.length) + " images loaded");
});
</script>"""


@pytest.fixture(scope="module")
def page(adult_sample, damaged_adult, tmp_path_factory) -> Path:
    real, synthetic = adult_sample.iloc[:1500], damaged_adult.iloc[:1500]
    report = evaluate(real, synthetic, target="income", holdout=adult_sample.iloc[1500:2500], seed=0, verbose=False)
    return report.to_html(tmp_path_factory.mktemp("report") / "report.html")


def test_page_is_self_contained_and_has_every_section(page):
    text = page.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//|file:)""", text)
    images = re.findall(r"<img alt='[^']*' src='([^']*)'", text)
    assert images and all(source.startswith("data:image/png;base64,") for source in images)
    assert len(images) == 15 + 2 + 1 + 1  # overlays, correlation and pair heatmaps, detection, DCR
    for heading in ("Column shapes", "Column pair trends", "Worst pairs", "Detection", "Utility", "Privacy"):
        assert f">{heading}</h" in text


def _render(page: Path, folder: Path) -> tuple[list[str], np.ndarray]:
    probe = folder / "probe.html"
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", IMAGE_CHECK + "</body>"), encoding="utf-8")
    screenshot = folder / "screenshot.png"
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
        f"--user-data-dir={folder / 'profile'}", "--window-size=1280,2400", "--virtual-time-budget=10000",
        "--enable-logging=stderr", "--v=0", f"--screenshot={screenshot}", probe.as_uri(),
    ]  # fmt: skip
    run = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert screenshot.exists(), f"chromium wrote no screenshot (exit {run.returncode}): {run.stderr[-2000:]}"
    console = re.findall(r":CONSOLE[^\]]*\] \"(.*)\", source:", run.stderr)
    return console, imread(screenshot)


def test_page_renders_in_headless_chromium(page, tmp_path):
    if CHROMIUM is None:
        reason = "chromium is not installed (apt-get install chromium), so the HTML report was not rendered"
        if os.environ.get("SYNTHDATA_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + ", and SYNTHDATA_REQUIRE_BROWSER=1 requires it")
        pytest.skip(reason)
    console, pixels = _render(page, tmp_path)
    assert console == ["report check: 19 images loaded"], f"console messages: {console}"
    rgb = pixels[..., :3]
    assert rgb.std() > 0.05, "the screenshot is blank"
    assert (rgb.min(axis=-1) < 0.9).mean() > 0.03, "the screenshot is nearly all white"
    orange = np.array([int(SYNTHETIC_COLOUR[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    assert (np.abs(rgb - orange).max(axis=-1) < 0.1).sum() > 500, "no synthetic-colour plot marks are visible"
