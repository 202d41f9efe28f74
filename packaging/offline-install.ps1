# Offline kit for IT: installs the source version of 园区双碳填报 with no internet, from a wheelhouse folder.
#   The kit (a USB stick):  parkcarbon\ (the program folder), wheelhouse\ (the wheels of
#   packaging\requirements-win.txt, see its header), and 64-bit CPython 3.11 for Windows.
#   powershell -ExecutionPolicy Bypass -File packaging\offline-install.ps1 -Wheelhouse E:\wheelhouse
param([string]$Wheelhouse = (Join-Path (Split-Path -Parent $PSScriptRoot) "wheelhouse"),
      [string]$Python = "py -3.11")
$ErrorActionPreference = "Stop"
Set-Location (Split-Path -Parent $PSScriptRoot)
& cmd /c "$Python -m venv .venv"
if ($LASTEXITCODE) { throw "venv failed" }
& .venv\Scripts\python.exe -m pip install --no-index --find-links $Wheelhouse --require-hashes -r packaging\requirements-win.txt
if ($LASTEXITCODE) { throw "offline install failed" }
& .venv\Scripts\python.exe main.py calc resources\demo\demo-park.json | Out-Null
if ($LASTEXITCODE) { throw "the installed program does not run" }
Write-Host "已安装。启动：.venv\Scripts\pythonw.exe main.py"
