; Inno Setup script: an installer for the one-folder Windows build in dist\DesktopChat.
; Build the app first (python packaging\build.py), then: iscc packaging\windows\DesktopChat.iss
; Signed: iscc /DSIGN "/Sdesktopchat=signtool sign ... $f" (see packaging/README.md).
#define AppVersion GetVersionNumbersString("..\..\dist\DesktopChat\DesktopChat.exe")

[Setup]
AppId={{6E1A4C9B-5D0B-4E55-9A7E-3F7C2B8D1A10}
AppName=Desktop Chat
AppVersion={#AppVersion}
AppPublisher=Desktop Chat
DefaultDirName={autopf}\Desktop Chat
DefaultGroupName=Desktop Chat
; Per-user install by default: no administrator rights needed.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir=..\..\dist
OutputBaseFilename=DesktopChat-Setup-{#AppVersion}
SetupIconFile=..\..\build\icons\app-icon.ico
UninstallDisplayIcon={app}\DesktopChat.exe
; Over 1.5 GB: lzma2/max on four threads in its own process keeps the build in its time
; limit; ultra64 took most of it for a few per cent.
Compression=lzma2/max
SolidCompression=yes
LZMAUseSeparateProcess=yes
LZMANumBlockThreads=4
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
WizardStyle=modern
#ifdef SIGN
SignTool=desktopchat
SignedUninstaller=yes
#endif

[Files]
Source: "..\..\dist\DesktopChat\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\Desktop Chat"; Filename: "{app}\DesktopChat.exe"
Name: "{autodesktop}\Desktop Chat"; Filename: "{app}\DesktopChat.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked

[Run]
Filename: "{app}\DesktopChat.exe"; Description: "Start Desktop Chat"; Flags: nowait postinstall skipifsilent
