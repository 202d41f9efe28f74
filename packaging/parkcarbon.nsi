; NSIS installer of 园区双碳填报 (parkcarbon): per user, no administrator rights.
;
;   makensis /DVERSION=0.1.0 /DPAYLOAD=..\dist\parkcarbon /DOUTFILE=..\dist\parkcarbon-0.1.0-setup.exe packaging\parkcarbon.nsi
;
; Installs into %LOCALAPPDATA%\Programs\parkcarbon (the per-user program folder), puts shortcuts in the Start
; menu and on the desktop, and registers an uninstall entry under HKCU.  The user's data (the database and its
; backups, in %LOCALAPPDATA%\parkcarbon) is never touched: neither by an upgrade nor by the uninstaller.
; For IT:  parkcarbon-setup.exe /S                         silent install
;          parkcarbon-setup.exe /S /D=C:\Tools\parkcarbon  silent install into another folder (/D= comes last)
;          "%LOCALAPPDATA%\Programs\parkcarbon\uninstall.exe" /S   silent uninstall (data kept)

Unicode true
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma

!ifndef VERSION
  !define VERSION "0.1.0"
!endif
!ifndef PAYLOAD
  !define PAYLOAD "..\dist\parkcarbon"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\dist\parkcarbon-${VERSION}-setup.exe"
!endif

!define APPNAME "园区双碳填报"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\parkcarbon"

Name "${APPNAME} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\parkcarbon"
InstallDirRegKey HKCU "${UNINSTKEY}" "InstallLocation"
ShowInstDetails show
ShowUninstDetails show

!include "MUI2.nsh"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\parkcarbon.exe"
!define MUI_FINISHPAGE_RUN_TEXT "启动${APPNAME}"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "ProductName" "${APPNAME}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "FileDescription" "${APPNAME} 安装程序"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "LegalCopyright" "parkcarbon"

Section "程序" SecMain
  SectionIn RO
  SetShellVarContext current
  ; An upgrade replaces the program folder only (the old version's files go first, so none is left behind).
  ; The user's data lives elsewhere (%LOCALAPPDATA%\parkcarbon) and is not touched.
  RMDir /r "$INSTDIR\_internal"
  SetOutPath "$INSTDIR"
  File /r "${PAYLOAD}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\${APPNAME}"
  CreateShortcut "$SMPROGRAMS\${APPNAME}\${APPNAME}.lnk" "$INSTDIR\parkcarbon.exe"
  CreateShortcut "$SMPROGRAMS\${APPNAME}\卸载${APPNAME}.lnk" "$INSTDIR\uninstall.exe"
  CreateShortcut "$DESKTOP\${APPNAME}.lnk" "$INSTDIR\parkcarbon.exe"

  WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "${APPNAME}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "parkcarbon"
  WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\parkcarbon.exe"
  WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  ; Only the program's own files: the database and backups in %LOCALAPPDATA%\parkcarbon stay.
  Delete "$DESKTOP\${APPNAME}.lnk"
  RMDir /r "$SMPROGRAMS\${APPNAME}"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\parkcarbon.exe"
  Delete "$INSTDIR\parkcarbon-cli.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTKEY}"
SectionEnd
