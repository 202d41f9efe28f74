# Builds the Windows installer of 园区双碳填报 (parkcarbon) on a 64-bit Windows 10 1809+ machine with
# 64-bit CPython 3.11 and NSIS 3 (makensis on PATH, or in "C:\Program Files (x86)\NSIS").
#   powershell -ExecutionPolicy Bypass -File packaging\build-windows.ps1
# Output: dist\parkcarbon\ (the one-folder bundle) and dist\parkcarbon-<version>-setup.exe
$ErrorActionPreference = "Stop"
Set-Location (Split-Path -Parent $PSScriptRoot)

$python = if ($env:PYTHON) { $env:PYTHON } else { "py -3.11" }
$version = (& cmd /c "$python -c ""import sys; sys.path.insert(0, '.'); from forms.version import VERSION; print(VERSION)""").Trim()
Write-Host "parkcarbon $version"

# 1. A clean venv with exactly the locked dependencies (hashes checked), then PyInstaller.
if (Test-Path .build-venv) { Remove-Item -Recurse -Force .build-venv }
& cmd /c "$python -m venv .build-venv"
if ($LASTEXITCODE) { throw "venv failed" }
$py = ".build-venv\Scripts\python.exe"
& $py -m pip install --require-hashes --only-binary=:all: -r packaging\requirements-win.txt
if ($LASTEXITCODE) { throw "pip install from the lock failed" }
& $py -m pip install "pyinstaller>=6.10,<7"
if ($LASTEXITCODE) { throw "pip install pyinstaller failed" }

# 2. The bundle: dist\parkcarbon\parkcarbon.exe (window) and parkcarbon-cli.exe (console).
& $py -m PyInstaller --noconfirm --clean packaging\parkcarbon.spec
if ($LASTEXITCODE) { throw "PyInstaller failed" }

# 3. Smoke test with the console executable: calc must equal the source run, the window must come up.
$cli = "dist\parkcarbon\parkcarbon-cli.exe"
& $cli --version
& $cli calc resources\demo\demo-park.json > dist\calc-frozen.json
if ($LASTEXITCODE) { throw "frozen calc failed" }
& $py main.py calc resources\demo\demo-park.json > dist\calc-source.json
if ((Get-FileHash dist\calc-frozen.json).Hash -ne (Get-FileHash dist\calc-source.json).Hash) { throw "frozen calc differs from the source run" }
$env:PARKCARBON_DB = Join-Path $env:TEMP "parkcarbon-smoke\parkcarbon.db"
& $cli import resources\demo\demo-park.json
if ($LASTEXITCODE) { throw "frozen import failed" }
$env:PARKCARBON_SMOKE_TEST = "1"
$shown = & $cli
Remove-Item Env:PARKCARBON_SMOKE_TEST
if (-not ($shown -match "SHOWN|READY")) { throw "the window did not come up: $shown" }
Remove-Item Env:PARKCARBON_DB

# 4. The installer.
$makensis = (Get-Command makensis -ErrorAction SilentlyContinue).Source
if (-not $makensis) { $makensis = "${env:ProgramFiles(x86)}\NSIS\makensis.exe" }
& $makensis /DVERSION=$version /DPAYLOAD=..\dist\parkcarbon /DOUTFILE=..\dist\parkcarbon-$version-setup.exe packaging\parkcarbon.nsi
if ($LASTEXITCODE) { throw "makensis failed" }
$size = [math]::Round((Get-Item dist\parkcarbon-$version-setup.exe).Length / 1MB, 1)
Write-Host "dist\parkcarbon-$version-setup.exe ($size MB)"
