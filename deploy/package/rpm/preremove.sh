#!/bin/sh
# %preun of the embargo .rpm: on erasure ($1 is 0), not on upgrade, the
# services are disabled and stopped.
if [ "$1" -eq 0 ] && [ -d /run/systemd/system ]; then
	systemctl --no-reload disable --now embargo-server.service embargo-agent.service >/dev/null 2>&1 || :
fi
exit 0
