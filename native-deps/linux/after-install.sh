#!/bin/sh
# deb post-install: install Lowbit's udev rules so boards are usable without root.
set -e
RULES=/opt/Lowbit/resources/native-deps/99-lowbit.rules
if [ -f "$RULES" ] && [ -d /etc/udev/rules.d ]; then
  cp "$RULES" /etc/udev/rules.d/99-lowbit.rules
  udevadm control --reload-rules 2>/dev/null || true
  udevadm trigger 2>/dev/null || true
fi
