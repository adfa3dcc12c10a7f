#!/bin/sh
# Compile GOV.UK Frontend into ../static/govuk/ (run via `npm run build`).
set -eu
cd "$(dirname "$0")"
GOVUK=node_modules/govuk-frontend/dist/govuk
OUT=../static/govuk

rm -rf "$OUT"
mkdir -p "$OUT/assets"

# CSS: compressed, no source map, Arial, relative asset paths.
npx --no-install sass --no-source-map --style=compressed --quiet-deps \
  --load-path=node_modules govuk.scss "$OUT/govuk-frontend.min.css"

# JS (ES module bundle).
cp "$GOVUK/govuk-frontend.min.js" "$OUT/govuk-frontend.min.js"

# Assets: images + manifest.json (fonts omitted: we use Arial).
cp -R "$GOVUK/assets/images" "$OUT/assets/images"
cp "$GOVUK/assets/manifest.json" "$OUT/assets/manifest.json"
if [ -d "$GOVUK/assets/rebrand" ]; then cp -R "$GOVUK/assets/rebrand" "$OUT/assets/rebrand"; fi

# Safety net: make absolute /assets/ URLs relative, and strip source map
# comments (ManifestStaticFilesStorage fails on missing .map files).
sed -i -e 's#url(/assets/#url(assets/#g' -e 's#url("/assets/#url("assets/#g' \
  -e "s#url('/assets/#url('assets/#g" "$OUT/govuk-frontend.min.css"
sed -i -e 's#/\*[#@] *sourceMappingURL=[^*]*\*/##g' "$OUT/govuk-frontend.min.css"
sed -i -e 's#//[#@] *sourceMappingURL=[^[:space:]]*[[:space:]]*$##' "$OUT/govuk-frontend.min.js"

echo "Built GOV.UK Frontend into $(cd "$OUT" && pwd)"
