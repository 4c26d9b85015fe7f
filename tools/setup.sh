#!/bin/sh
# Installs every Debian package formdig needs (build, OCR, tests, the scan
# generator) and builds it. Idempotent: packages already present are not
# fetched again and the build is incremental.
#
#   tools/setup.sh            release build in build/
#   tools/setup.sh --asan     also an ASan+UBSan build in build-asan/ and a
#                             ThreadSanitizer build in build-tsan/
set -eu
cd "$(dirname "$0")/.."

PACKAGES="build-essential cmake pkg-config
  libtesseract-dev tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng
  libleptonica-dev libcjson-dev libpoppler-glib-dev libjpeg-dev poppler-utils
  python3 python3-pil python3-numpy python3-jsonschema img2pdf
  fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei fonts-noto-cjk
  clang libclang-rt-14-dev valgrind"

missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  echo "setup: installing:$missing" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$jobs"
if [ "${1:-}" = "--asan" ]; then
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DFD_SANITIZE=ON >/dev/null
  cmake --build build-asan -j "$jobs"
  cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFD_SANITIZE_THREAD=ON >/dev/null
  cmake --build build-tsan -j "$jobs"
fi
