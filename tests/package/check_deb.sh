#!/usr/bin/env bash
# Checks a revcol-studio .deb: its file list, control fields and dependencies.
#   tests/package/check_deb.sh build/release/revcol-studio_0.1.0_amd64.deb
# With --install it also installs the package with apt (needs root) and runs the installed
# revcol-cli on the fixture model: tests/package/check_deb.sh --install DEB
# With --chroot DIR it does that inside a Debian 12 root made by
#   debootstrap --variant=minbase bookworm DIR http://deb.debian.org/debian   (plus /proc mounted)
# which is what "installs on a fresh Debian 12" means: only the package's Depends get pulled in.
set -euo pipefail

install=0
root=""
skip_missing=0  # CTest: exit 77 (skipped) when no .deb has been built
while [ $# -gt 1 ]; do
  case "$1" in
    --install) install=1; shift ;;
    --chroot) install=1; root=$2; shift 2 ;;
    --skip-missing) skip_missing=1; shift ;;
    *) break ;;
  esac
done
deb=${1:?usage: check_deb.sh [--install | --chroot DIR | --skip-missing] PACKAGE.deb}
if [ ! -f "$deb" ]; then
  echo "check_deb: no package at $deb (build it with cpack -G DEB)"
  [ "$skip_missing" = 1 ] && exit 77
  exit 1
fi
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
fail=0
ok() { echo "ok    $*"; }
bad() { echo "FAIL  $*"; fail=1; }

files=$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|')
expect_file() {
  if grep -qx "$1" <<<"$files"; then ok "ships $1"; else bad "missing $1"; fi
}
for f in /usr/bin/revcol-cli /usr/bin/revcol-studio /usr/bin/revcol-live \
         /usr/share/revcol-studio/labels/imagenet1k.txt /usr/share/revcol-studio/samples/shapes.png \
         /usr/share/revcol-studio/help/index.html /usr/share/revcol-studio/help/glossary.html \
         /usr/share/applications/revcol-studio.desktop /usr/share/applications/revcol-live.desktop \
         /usr/share/icons/hicolor/scalable/apps/revcol-studio.svg /usr/share/mime/packages/revcol-studio.xml; do
  expect_file "$f"
done
for m in "$repo"/models/demo/*.pth "$repo"/models/demo/*.pth.json; do
  [ -e "$m" ] && expect_file "/usr/share/revcol-studio/models/$(basename "$m")"
done
if grep -q '^/usr/local\|^/work\|/build/' <<<"$files"; then bad "paths outside /usr: $(grep '^/usr/local\|^/work\|/build/' <<<"$files" | head -3)"; else ok "everything under /usr"; fi

field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = revcol-studio ] && ok "Package revcol-studio" || bad "Package is $(field Package)"
version=$(sed -n 's/^project(RevColStudio VERSION \([0-9.]*\).*/\1/p' "$repo/CMakeLists.txt")
[ "$(field Version)" = "$version" ] && ok "Version $version (CMake project version)" || bad "Version $(field Version), CMake says $version"
[ "$(field Architecture)" = amd64 ] && ok "Architecture amd64" || bad "Architecture $(field Architecture)"
depends=$(field Depends)
echo "      Depends: $depends"
# Each entry is an extended regex of acceptable package names (GL comes as GLVND's libopengl0 or libgl1).
for p in libtorch1.13 libdnnl2 libopenblas0-pthread libqt6core6 libqt6gui6 libqt6widgets6 'libqcustomplot[^ ,]*qt6' \
         libopencv-core406 libopencv-imgproc406 libopencv-imgcodecs406 libopencv-videoio406 libglfw3 \
         '(libopengl0|libgl1)' fonts-dejavu-core libc6 'libstdc\+\+6'; do
  if grep -Eq "(^|, |\| )$p( |,|$)" <<<"$depends"; then ok "depends on $p"; else bad "no dependency on $p"; fi
done

# Desktop and MIME files are well formed (when the validators are installed).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp"
if command -v desktop-file-validate >/dev/null; then
  for d in "$tmp"/usr/share/applications/*.desktop; do
    desktop-file-validate "$d" && ok "valid $(basename "$d")" || bad "invalid $(basename "$d")"
  done
fi
if command -v xmllint >/dev/null; then
  xmllint --noout "$tmp/usr/share/mime/packages/revcol-studio.xml" && ok "MIME XML well formed" || bad "MIME XML"
fi

if [ "$install" = 1 ]; then
  model="$repo/tests/data/cls/cls_revcol_s4_k3.pth"
  pkg=$(readlink -f "$deb")
  in_root=()
  if [ -n "$root" ]; then
    mkdir -p "$root/tmp/revcol-check"
    cp "$pkg" "$model" "$root/tmp/revcol-check/"
    pkg=/tmp/revcol-check/$(basename "$pkg")
    model=/tmp/revcol-check/$(basename "$model")
    in_root=(chroot "$root")
    "${in_root[@]}" apt-get update -qq
  fi
  "${in_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" \
    && ok "apt-get install ${root:+(in $root)}" || bad "apt-get install"
  run() { (cd / && "${in_root[@]}" "$@"); }
  run revcol-cli --version && ok "revcol-cli --version" || bad "revcol-cli --version"
  run revcol-cli info "$model" && ok "revcol-cli info" || bad "revcol-cli info"
  # 1000 classes: the names come from the installed /usr/share/revcol-studio/labels.
  run env -u REVCOL_RESOURCES revcol-cli classify --checkpoint "$model" /usr/share/revcol-studio/samples/shapes.png \
    && ok "revcol-cli classify on the installed sample, installed labels" || bad "revcol-cli classify"
  run revcol-live --version && ok "revcol-live --version" || bad "revcol-live --version"
  # The installed demo model on an installed sample: names from the installed Fashion-MNIST labels.
  demo=/usr/share/revcol-studio/models/revcol_fashion_cls.pth
  if [ -e "$repo/models/demo/revcol_fashion_cls.pth" ]; then
    run revcol-cli info "$demo" && ok "revcol-cli info on the installed demo model" || bad "revcol-cli info $demo"
    out=$(run env -u REVCOL_RESOURCES revcol-cli classify --preprocess none --checkpoint "$demo" \
      /usr/share/revcol-studio/samples/fashion_items/bag_005008.png) && grep -q Bag <<<"$out" \
      && ok "installed demo model classifies the installed bag as Bag" || bad "demo classify: $out"
  fi
fi

[ "$fail" = 0 ] && echo "check_deb: all checks passed" || echo "check_deb: FAILED"
exit "$fail"
