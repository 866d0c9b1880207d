#!/usr/bin/env bash
# Install the system packages the tests need, when missing: a PostgreSQL server for the
# throwaway test cluster, Chromium and its driver for browser tests, Pango for WeasyPrint,
# poppler-utils (pdftoppm) for looking at PDFs, fonts for every script, Redis,
# and gettext (msgfmt) to compile translations. Debian packages only.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
ldconfig -p 2>/dev/null | grep -q libpango-1.0 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
fc-list 2>/dev/null | grep -qi "dejavu" || need+=(fonts-dejavu-core)
# Handouts print whatever script a clinician types: Chinese, Japanese and Korean
# (WenQuanYi Micro Hei, 1.6 MB rather than Noto CJK's 57 MB), emoji and symbols
# (Symbola), and most other scripts (Noto core: Arabic, Hebrew, Devanagari, Thai, ...).
fc-list 2>/dev/null | grep -qi "WenQuanYi Micro Hei" || need+=(fonts-wqy-microhei)
fc-list 2>/dev/null | grep -qi "symbola" || need+=(fonts-symbola)
fc-list 2>/dev/null | grep -qi "NotoSansArabic" || need+=(fonts-noto-core)
# A real Redis server for the cache-backed tests (handout cache, throttles, content).
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v msgfmt >/dev/null 2>&1 || need+=(gettext)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing system packages: ${need[*]}"
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
