#!/bin/sh
# Qt's X11 platform plugin needs a few system libraries that minimal Linux installs lack.
# Name the missing ones; install them when we are root on a Debian-like system.
[ "$(uname -s)" = "Linux" ] || exit 0
[ -n "$DISPLAY" ] || [ -n "$WAYLAND_DISPLAY" ] || exit 0   # no screen: triggermap itself explains
missing=""
for pair in libxcb-icccm.so.4:libxcb-icccm4 libxcb-keysyms.so.1:libxcb-keysyms1 \
            libxcb-image.so.0:libxcb-image0 libxcb-render-util.so.0:libxcb-render-util0 \
            libxcb-xkb.so.1:libxcb-xkb1 libxkbcommon-x11.so.0:libxkbcommon-x11-0 \
            libxcb-cursor.so.0:libxcb-cursor0; do
    lib=${pair%%:*}; package=${pair#*:}
    ldconfig -p 2>/dev/null | grep -q "$lib" || missing="$missing $package"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Qt's X11 libraries:$missing"
    apt-get update -qq && apt-get install -y -qq $missing && exit 0
fi
echo "triggermap needs these system libraries for Qt's X11 display:$missing"
echo "Install them, e.g.: sudo apt-get install$missing"
exit 1
