#!/usr/bin/env bash
# Runs `its reproduce` into a folder and screenshots every report page (the full page, 1280 px
# wide) and every saved figure (SVG and PNG) into bench/results/screenshots/ (git-ignored).
# Usage: bench/screenshots.sh [REPORTS_FOLDER]   (default: bench/results/reports)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
reports="${1:-$root/bench/results/reports}"
shots="${SHOTS:-$root/bench/results/screenshots}"
chromium="${CHROMIUM:-/usr/bin/chromium}"
width=1280
mkdir -p "$reports" "$shots"
reports="$(cd "$reports" && pwd)"

# REPRODUCE=0 screenshots a folder already written.
if [ "${REPRODUCE:-1}" != 0 ]; then dotnet run --project "$root/src/Its.Cli" -- reproduce --out "$reports"; fi

flags=(--headless --no-sandbox --disable-gpu --disable-background-networking --hide-scrollbars
       --run-all-compositor-stages-before-draw --virtual-time-budget=10000)
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# The height of a page at the given width, after its scripts (charts) have run: a copy of the page
# with a script that writes document height into the DOM, which --dump-dom prints.
height() {
  local page="$1" probe
  probe="$(dirname "$page")/.height-probe-$(basename "$page")"
  { cat "$page"; printf '%s\n' '<script>addEventListener("load",function(){setTimeout(function(){document.body.setAttribute("data-height",document.documentElement.scrollHeight)},500)})</script>'; } > "$probe"
  local h
  h="$("$chromium" "${flags[@]}" --window-size=$width,900 --dump-dom "file://$probe" 2>/dev/null | grep -o 'data-height="[0-9]*"' | head -1 | grep -o '[0-9]*' || true)"
  rm -f "$probe"
  echo "${h:-900}"
}

shot() {
  local url="$1" out="$2" h="$3"
  "$chromium" "${flags[@]}" --window-size=$width,"$h" --screenshot="$out" "$url" >/dev/null 2>&1
  echo "$out"
}

for page in "$reports"/*.html; do
  name="$(basename "$page" .html)"
  h="$(height "$page")"
  shot "file://$page" "$shots/$name.png" "$h"
done

# Figures: each shown alone on a page of its own (as an image, so SVG and PNG are treated alike).
for figure in "$reports"/figures/*.svg "$reports"/figures/*.png; do
  [ -e "$figure" ] || continue
  base="$(basename "$figure")"
  wrapper="$tmp/${base}.html"
  printf '<!DOCTYPE html><html><body style="margin:0;background:#fff"><img src="file://%s" style="max-width:%dpx"></body></html>\n' "$figure" "$width" > "$wrapper"
  h="$(height "$wrapper")"
  shot "file://$wrapper" "$shots/figure-${base%.*}-${base##*.}.png" "$h"
done
