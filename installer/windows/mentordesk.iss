; MentorDesk for Windows: a per-user installer (Inno Setup 6) that needs no administrator rights.
; Built by `make dist` (installer/build.py) on Windows after PyInstaller, or by hand:
;   iscc /DAppVersion=0.1.0 /Obuild\dist installer\windows\mentordesk.iss
; Signed (Authenticode) when ISCC is given a sign tool named "signtool" and /DSign, see docs/it-guide.md.
; Silent install: MentorDesk-<version>-setup.exe /VERYSILENT /SUPPRESSMSGBOXES [/CURRENTUSER | /ALLUSERS].

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define AppExe "MentorDesk.exe"
#define SourceDir "..\..\build\dist\mentordesk"

[Setup]
; The AppId identifies MentorDesk across versions: never change it (an upgrade finds the earlier install by it).
AppId={{6B0C7E52-3F4A-4C1D-9A8E-2D5F1B7C9E34}
AppName=MentorDesk
AppVersion={#AppVersion}
AppVerName=MentorDesk {#AppVersion}
AppPublisher=MentorDesk
VersionInfoVersion={#AppVersion}
VersionInfoDescription=MentorDesk installer
; Per user, no UAC prompt: {autopf} is %LOCALAPPDATA%\Programs when installing for the current user.
; An administrator may still choose "all users" (the dialog, or /ALLUSERS): then it is Program Files.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
DefaultDirName={autopf}\MentorDesk
DisableProgramGroupPage=yes
DisableDirPage=auto
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputBaseFilename=MentorDesk-{#AppVersion}-setup
OutputDir=..\..\build\dist
SetupIconFile=..\..\resources\icons\mentordesk.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName=MentorDesk
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Upgrades: a running MentorDesk holds the mutex (installer/launch.py creates it); Setup asks to close it, and the
; Restart Manager closes whatever else holds the program's files.
AppMutex=MentorDesk.Running,Global\MentorDesk.Running
CloseApplications=yes
RestartApplications=no
#ifdef Sign
SignTool=signtool
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the program's libraries whole, so no file of the earlier version is left to be loaded.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\MentorDesk"; Filename: "{app}\{#AppExe}"; Comment: "Induction, mentoring and CAP"
Name: "{autodesktop}\MentorDesk"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,MentorDesk}"; Flags: nowait postinstall skipifsilent

; The uninstaller removes the program folder only. Each user's database, backups, settings and logs live in
; %LOCALAPPDATA%\MentorDesk\MentorDesk (app/paths.py: platformdirs), outside {app}, and are kept.
; No file association: sync bundles (.mdsync) are picked up from the sync folder by the Sync page or
; `mentordesk-cli sync folder PATH`; the app takes no file to open on its command line.
