"""Draw the site's PNG images with Chromium: the sharing image and the touch icon.

The sharing image (Open Graph, 1200 x 630) shows the site's name over France's outline
(the statistics page's département shapes); the touch icon (180 x 180) is the SVG favicon
drawn at that size. Both are committed under theme/static/img/; run this again when the
name, the colours or the favicon change:

    .venv/bin/python tests/tools/site_images.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
IMG = ROOT / "theme" / "static" / "img"
SHAPES = ROOT / "plugins" / "tierslieux" / "site" / "shapes" / "departements.json"
sys.path.insert(0, str(ROOT))
from pelicanconf import SITENAME, SITESUBTITLE  # noqa: E402


def sharing_html() -> str:
    shapes = json.loads(SHAPES.read_text(encoding="utf-8"))
    paths = "".join(f'<path d="{d}"/>' for d in shapes["departements"].values())
    return f"""<!DOCTYPE html><html lang="fr"><meta charset="utf-8"><style>
      body {{ margin: 0; width: 1200px; height: 630px; background: #0b5f7a; color: #fff;
        font-family: "DejaVu Sans", system-ui, sans-serif; display: flex; align-items: center; }}
      .text {{ flex: none; width: 600px; padding: 0 0 0 70px; box-sizing: border-box; }}
      h1 {{ font-size: 64px; line-height: 1.1; margin: 0 0 28px; }}
      p {{ font-size: 30px; line-height: 1.35; margin: 0; color: #e3f1f5; }}
      svg {{ width: 500px; height: 500px; margin-left: 20px; }}
      path {{ fill: #e3f1f5; stroke: #0b5f7a; stroke-width: .6; }}
    </style><div class="text"><h1>{SITENAME}</h1><p>{SITESUBTITLE}</p></div>
    <svg viewBox="{shapes["viewBox"]}">{paths}</svg></html>"""


def main() -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1200, "height": 630})
        page.set_content(sharing_html())
        page.screenshot(path=str(IMG / "partage.png"))
        icon = browser.new_page(viewport={"width": 180, "height": 180})
        svg = (IMG / "favicon.svg").read_text(encoding="utf-8")
        icon.set_content("<style>body{margin:0}svg{display:block;width:180px;height:180px}"
                         f"</style>{svg}")
        icon.screenshot(path=str(IMG / "apple-touch-icon.png"), omit_background=True)
        browser.close()
    for name in ("partage.png", "apple-touch-icon.png"):
        print(f"theme/static/img/{name}: {(IMG / name).stat().st_size // 1024} Kio")


if __name__ == "__main__":
    main()
