#!/bin/sh
# %postun of the embargo .rpm: systemd forgets removed units; an upgrade
# ($1 is 1 or more) restarts what was running on the new binary. The store
# in /var/lib/embargo is kept.
if [ -d /run/systemd/system ]; then
	systemctl daemon-reload >/dev/null 2>&1 || :
	if [ "$1" -ge 1 ]; then
		systemctl try-restart embargo-server.service embargo-agent.service >/dev/null 2>&1 || :
	fi
fi
exit 0
