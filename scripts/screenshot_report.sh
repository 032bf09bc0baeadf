#!/usr/bin/env bash
# Take a PNG screenshot of the HTML report in headless Chromium, for a person to look at.
#
#   scripts/screenshot_report.sh [REPORT.html] [OUT.png]
#
# Without REPORT.html, writes the report of the bundled sample first (2022 against 2021) to out/report/.
# OUT.png defaults to the report's name with .png. Environment:
#   CHROMIUM=/path/to/chromium   the browser (default /usr/bin/chromium, else `chromium` on PATH)
#   SIZE=1280,3000               window width,height in pixels: the part of the page shown
#   SECTION=xep-hang             show only this section of the page (danh-gia-chung, thay-doi, xep-hang,
#                                giai-trinh), its first unit explanations opened
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
browser="${CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$browser" ]]; then
  browser="$(command -v chromium || true)"
fi
if [[ -z "$browser" ]]; then
  echo "screenshot_report.sh: Chromium not found; install it with: apt-get install -y chromium" >&2
  exit 2
fi

report="${1:-}"
if [[ -z "$report" ]]; then
  mkdir -p "$here/out/report"
  PYTHONPATH="$here/src${PYTHONPATH:+:$PYTHONPATH}" python3 -m cqdt_rules report egov_2020 \
    "$here/examples/gialai/egov-2022-audit.yaml" --previous "$here/examples/gialai/egov-2021-audit.yaml" \
    --out "$here/out/report" --formats html >/dev/null
  report="$here/out/report/report-egov_2020-2022-vi.html"
fi
[[ -f "$report" ]] || { echo "screenshot_report.sh: no such file: $report" >&2; exit 2; }
report="$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
out="${2:-${report%.html}.png}"
size="${SIZE:-1280,3000}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
page="$report"
if [[ -n "${SECTION:-}" ]]; then
  page="$work/section.html"
  python3 - "$report" "$SECTION" "$page" <<'PY'
import sys
source, section, target = sys.argv[1:]
html = open(source, encoding="utf-8").read()
css = ("<style>header, nav.toc, main > section:not(#%s) { display: none !important; }</style>" % section)
html = html.replace("</head>", css + "</head>", 1).replace('<details class="unit"', '<details open class="unit"', 3)
open(target, "w", encoding="utf-8").write(html)
PY
fi

"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$work/profile" \
  --window-size="$size" --screenshot="$out" "file://$page" >"$work/log" 2>&1 || {
    cat "$work/log" >&2; exit 1; }
[[ -s "$out" ]] || { cat "$work/log" >&2; echo "screenshot_report.sh: no picture written" >&2; exit 1; }
echo "$out"
