#!/bin/sh
# %pre of the embargo .rpm: the system user embargo, before the files it
# owns are unpacked. Never removed (Fedora's packaging guidelines: files it
# owned may remain, and a new account must not inherit them).
getent group embargo >/dev/null || groupadd --system embargo
getent passwd embargo >/dev/null ||
	useradd --system --gid embargo --home-dir /var/lib/embargo --no-create-home \
		--shell /sbin/nologin --comment "Embargo fleet server" embargo
exit 0
