package winreg

import "testing"

// The test hives, as .reg sections that hivexregedit merges. Values are
// the ones the products write, as published (catalog/data cites them).
const (
	softwarePrefix = `HKEY_LOCAL_MACHINE\SOFTWARE`
	softwareReg    = `
[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\{7EC66A95-AC2D-4127-940B-0445A526AB2F}]
"DisplayName"="Kaspersky Endpoint Security for Windows"
"DisplayVersion"="12.3.0.493"
"Publisher"="AO Kaspersky Lab"
"InstallLocation"="C:\\Program Files (x86)\\Kaspersky Lab\\KES.12.3.0\\"
"DisplayIcon"="C:\\Program Files (x86)\\Kaspersky Lab\\KES.12.3.0\\avpui.exe,0"
"UninstallString"="MsiExec.exe /X{7EC66A95-AC2D-4127-940B-0445A526AB2F}"

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\7-Zip]
"DisplayName"="7-Zip 23.01 (x64)"
"DisplayVersion"="23.01"
"Publisher"="Igor Pavlov"
"UninstallString"="\"C:\\Program Files\\7-Zip\\Uninstall.exe\""

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\KB5034441]
"VersionMajor"=dword:00000001
"VersionMinor"=dword:00000002
"SystemComponent"=dword:00000001

[HKEY_LOCAL_MACHINE\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall\{2924BEDA-E0D7-4DAF-A224-50D2E0B12F5B}]
"DisplayName"="Kaspersky Security Center Network Agent"
"DisplayVersion"="14.2.0.26967"
"Publisher"="АО «Лаборатория Касперского»"
"InstallLocation"=str(2):"%ProgramFiles(x86)%\\Kaspersky Lab\\NetworkAgent\\"

[HKEY_LOCAL_MACHINE\SOFTWARE\KasperskyLab]

[HKEY_LOCAL_MACHINE\SOFTWARE\KasperskyLab\protected\AVP21.3\Data]
"LastSuccessfulUpdate"=dword:65a0b1c2

[HKEY_LOCAL_MACHINE\SOFTWARE\WOW6432Node\KasperskyLab]

[HKEY_LOCAL_MACHINE\SOFTWARE\KasperskyLabFans]
`

	systemPrefix = `HKEY_LOCAL_MACHINE\SYSTEM`
	systemReg    = `
[HKEY_LOCAL_MACHINE\SYSTEM\Select]
"Current"=dword:00000002
"Default"=dword:00000002
"LastKnownGood"=dword:00000001

[HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services\OldService]
"Type"=dword:00000010

[HKEY_LOCAL_MACHINE\SYSTEM\ControlSet002\Services\klnagent]
"DisplayName"="Kaspersky Security Center Network Agent"
"ImagePath"=str(2):"\"C:\\Program Files (x86)\\Kaspersky Lab\\NetworkAgent\\klnagent.exe\" -k"
"Start"=dword:00000002
"Type"=dword:00000010
"ObjectName"="LocalSystem"

[HKEY_LOCAL_MACHINE\SYSTEM\ControlSet002\Services\BITS]
"DisplayName"="@%SystemRoot%\\system32\\qmgr.dll,-1000"
"ImagePath"=str(2):"%SystemRoot%\\System32\\svchost.exe -k netsvcs -p"
"Start"=dword:00000002
"DelayedAutostart"=dword:00000001
"Type"=dword:00000020
"ObjectName"="LocalSystem"

[HKEY_LOCAL_MACHINE\SYSTEM\ControlSet002\Services\Tcpip]
"DisplayName"="@todo.dll,-100;TCP/IP Protocol Driver"
"ImagePath"=str(2):"System32\\drivers\\tcpip.sys"
"Start"=dword:00000000
"Type"=dword:00000001

[HKEY_LOCAL_MACHINE\SYSTEM\ControlSet002\Services\volmgr]
"Start"=dword:00000000
"Type"=dword:00000001
`

	userPrefix = `HKEY_CURRENT_USER`
	userReg    = `
[HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Uninstall\YandexBrowser]
"DisplayName"="Yandex"
"DisplayVersion"="24.12.4.1049"
"Publisher"="ООО «ЯНДЕКС»"
"InstallLocation"="C:\\Users\\alice\\AppData\\Local\\Yandex\\YandexBrowser\\Application"
"UninstallString"="\"C:\\Users\\alice\\AppData\\Local\\Yandex\\YandexBrowser\\Application\\24.12.4.1049\\Installer\\setup.exe\" --uninstall"

[HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Uninstall\Spotify]
"DisplayName"="Spotify"
"DisplayVersion"="1.2.31"
"Publisher"="Spotify AB"
`
)

// fixtureHives builds the three test hives.
func fixtureHives(t testing.TB) (software, system, user []byte) {
	t.Helper()
	return buildHive(t, softwarePrefix, softwareReg), buildHive(t, systemPrefix, systemReg), buildHive(t, userPrefix, userReg)
}
